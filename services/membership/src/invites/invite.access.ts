import { Types } from 'mongoose';
import { AppError } from '@chorus/runtime';
import type { Models } from '../db/models.js';
import { loadServer } from '../servers/server.access.js';
import type { ServerFields } from '../servers/server.dto.js';
import { createPermissionChecker } from '../permissions/permission-checker.js';

/** The permissions the invite endpoints ask for (SPEC 14/15). */
export type InvitePermission = 'CREATE_INVITES' | 'MANAGE_SERVER';

/** Resolves with the server when `userId` holds `permission` in it; NOT_FOUND, NOT_MEMBER or FORBIDDEN otherwise. */
export type RequireInvitePermission = (serverId: string, userId: string, permission: InvitePermission) => Promise<ServerFields>;

/**
 * The roles' permission check (SPEC 15) behind the invite endpoints: a non-member is NOT_MEMBER (as the
 * invite endpoints answered before roles), a member lacking the permission FORBIDDEN.
 */
export function invitePermissions(models: Models): RequireInvitePermission {
  const permissions = createPermissionChecker(models);
  return async (serverId, userId, permission) => {
    const server = await loadServer(models, serverId);
    await permissions.requirePermission(serverId, userId, permission).catch(async (err: unknown) => {
      const member = await models.Member.exists({ serverId: server._id, userId: new Types.ObjectId(userId) });
      if (!member && !server.ownerId.equals(userId)) throw new AppError('NOT_MEMBER', 'Only members of this server can do this');
      throw err;
    });
    return server;
  };
}
