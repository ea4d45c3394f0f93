import { Types } from 'mongoose';
import { AppError } from '@chorus/runtime';
import type { Models } from '../db/models.js';
import { loadServer } from '../servers/server.access.js';
import type { ServerFields } from '../servers/server.dto.js';

/** The permissions the invite endpoints ask for (SPEC 14/15). */
export type InvitePermission = 'CREATE_INVITES' | 'MANAGE_SERVER';

/** Resolves with the server when `userId` holds `permission` in it; NOT_FOUND, NOT_MEMBER or FORBIDDEN otherwise. */
export type RequireInvitePermission = (serverId: string, userId: string, permission: InvitePermission) => Promise<ServerFields>;

/**
 * Until roles (SPEC 15, issue-roles) decide: the owner holds every permission, a member holds
 * CREATE_INVITES (the `@everyone` default), MANAGE_SERVER is the owner's. This is the one call that
 * the roles' `requirePermission` replaces.
 */
export function ownerOrMemberPermissions(models: Models): RequireInvitePermission {
  return async (serverId, userId, permission) => {
    const server = await loadServer(models, serverId);
    if (server.ownerId.equals(userId)) return server;
    const member = await models.Member.exists({ serverId: server._id, userId: new Types.ObjectId(userId) });
    if (!member) throw new AppError('NOT_MEMBER', 'Only members of this server can do this');
    if (permission !== 'CREATE_INVITES') throw new AppError('FORBIDDEN', `You need the ${permission} permission`);
    return server;
  };
}
