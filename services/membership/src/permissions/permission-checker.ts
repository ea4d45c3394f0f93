import { Types } from 'mongoose';
import type { Permission } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import type { Models } from '../db/models.js';
import { serverNotFound } from '../servers/server.access.js';
import { channelPermissions, highestPosition, serverPermissions, type MemberView } from './compute.js';
import { loadMembership, loadOverrides, loadRoles, memberView } from './permission-data.js';

/** A member as a permission check found them: who they are, what they may do, how high they rank. */
export interface Actor {
  view: MemberView;
  /** Effective permissions (server-level, or in the channel when one was named). */
  permissions: Permission[];
  /** Highest role position (Infinity for the owner). */
  highest: number;
}

export interface PermissionChecker {
  /** The user in the server (NOT_FOUND for an unknown server); a non-member has no permissions. */
  actor(serverId: string, userId: string, channelId?: string): Promise<Actor>;
  /**
   * The user, when they have `permission` in the server (or in `channelId`, after its overrides).
   * Unknown server → 404 NOT_FOUND; lacking it (non-members lack everything) → 403 FORBIDDEN.
   */
  requirePermission(serverId: string, userId: string, permission: Permission, channelId?: string): Promise<Actor>;
}

export const forbidden = (message: string) => new AppError('FORBIDDEN', message);

/**
 * The one place REST endpoints ask "may this user do that here?" (SPEC 15). Nothing is cached: each check
 * reads the server's owner, the membership and the roles (and the channel's overrides), so a change is in
 * force for the very next request on every replica.
 */
export function createPermissionChecker(models: Models): PermissionChecker {
  const actor = async (serverId: string, userId: string, channelId?: string): Promise<Actor> => {
    const [server, roleIds, roles, overrides] = await Promise.all([
      models.Server.collection.findOne({ _id: new Types.ObjectId(serverId) }, { projection: { ownerId: 1 } }),
      loadMembership(models, serverId, userId),
      loadRoles(models, serverId),
      channelId ? loadOverrides(models, channelId) : Promise.resolve([]),
    ]);
    if (!server) throw serverNotFound();
    const view = memberView(serverId, (server.ownerId as Types.ObjectId).toHexString(), userId, roleIds, roles);
    const permissions = channelId ? channelPermissions(view, overrides) : serverPermissions(view);
    return { view, permissions, highest: highestPosition(view) };
  };
  return {
    actor,
    async requirePermission(serverId, userId, permission, channelId) {
      const found = await actor(serverId, userId, channelId);
      if (!found.permissions.includes(permission)) throw forbidden(`You need the ${permission} permission for this`);
      return found;
    },
  };
}
