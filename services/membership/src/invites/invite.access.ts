import { AppError } from '@chorus/runtime';
import type { PermissionChecker } from '../permissions/permission-checker.js';

/** The permissions the invite endpoints ask for (SPEC 14/15). */
export type InvitePermission = 'CREATE_INVITES' | 'MANAGE_SERVER';

/** Resolves when `userId` holds `permission` in the server; NOT_FOUND, NOT_MEMBER or FORBIDDEN otherwise. */
export type RequireInvitePermission = (serverId: string, userId: string, permission: InvitePermission) => Promise<void>;

/**
 * SPEC 15's permission checker (roles, `@everyone` grants CREATE_INVITES by default, the owner holds
 * everything), with one difference kept from before roles: someone who is not a member at all hears
 * NOT_MEMBER rather than FORBIDDEN, so a client can tell "join first" from "ask for the permission".
 */
export function invitePermissions(checker: PermissionChecker): RequireInvitePermission {
  return async (serverId, userId, permission) => {
    const actor = await checker.actor(serverId, userId);
    if (!actor.view.isMember && !actor.view.isOwner) throw new AppError('NOT_MEMBER', 'Only members of this server can do this');
    if (!actor.permissions.includes(permission)) throw new AppError('FORBIDDEN', `You need the ${permission} permission for this`);
  };
}
