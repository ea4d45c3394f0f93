import { Types } from 'mongoose';
import type { AuthenticatedUser } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import type { Models } from '../db/models.js';
import { membershipEvent, type MembershipEvents } from '../events/membership-events.js';
import type { PermissionChecker } from '../permissions/permission-checker.js';
import { assertBelow, assertCanGrant } from '../permissions/hierarchy.js';

export interface MemberRoleService {
  /** Gives the member the role (idempotent). */
  add(serverId: string, userId: string, roleId: string, user: AuthenticatedUser, correlationId?: string): Promise<void>;
  /** Takes the role from the member (idempotent). */
  remove(serverId: string, userId: string, roleId: string, user: AuthenticatedUser, correlationId?: string): Promise<void>;
}

/**
 * `PUT/DELETE /api/servers/:serverId/members/:userId/roles/:roleId` (SPEC 15): MANAGE_ROLES, a role below
 * the caller's highest, and — giving it — only a role whose permissions the caller has (assigning a role
 * is granting what it carries). `@everyone` is everyone's and cannot be given or taken. Each change is
 * announced as `member.updated` (gateways drop that member's cached answers in the server).
 */
export function createMemberRoleService(deps: {
  models: Models;
  events: MembershipEvents;
  permissions: PermissionChecker;
}): MemberRoleService {
  const { models, events, permissions } = deps;

  const change = async (
    op: '$addToSet' | '$pull',
    serverId: string,
    userId: string,
    roleId: string,
    user: AuthenticatedUser,
    cid?: string,
  ) => {
    if (roleId === serverId) {
      throw new AppError('VALIDATION_FAILED', '@everyone is every member’s role', [{ path: 'roleId', message: 'is @everyone' }]);
    }
    const actor = await permissions.requirePermission(serverId, user.id, 'MANAGE_ROLES');
    const role = actor.view.roles.find((r) => r.id === roleId);
    if (!role) throw new AppError('NOT_FOUND', 'Role not found');
    assertBelow(actor, role.position, role.name);
    if (op === '$addToSet') assertCanGrant(actor, role.permissions);
    const key = { serverId: new Types.ObjectId(serverId), userId: new Types.ObjectId(userId) };
    const current = await models.Member.findOne(key, { roleIds: 1 }).lean();
    if (!current) throw new AppError('NOT_FOUND', 'That user is not a member of this server');
    const ids = new Set((current.roleIds ?? []).map((id) => id.toHexString()));
    if (op === '$addToSet') ids.add(roleId);
    else ids.delete(roleId);
    await events.record(membershipEvent.memberUpdated(serverId, userId, [...ids], cid), async () => {
      const updated = await models.Member.updateOne(key, { [op]: { roleIds: new Types.ObjectId(roleId) } });
      if (updated.matchedCount !== 1) throw new AppError('NOT_FOUND', 'That user is not a member of this server');
    });
  };

  return {
    add: (serverId, userId, roleId, user, cid) => change('$addToSet', serverId, userId, roleId, user, cid),
    remove: (serverId, userId, roleId, user, cid) => change('$pull', serverId, userId, roleId, user, cid),
  };
}
