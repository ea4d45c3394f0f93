import { Types } from 'mongoose';
import type { AuthenticatedUser, CreateRoleRequest, Role, UpdateRoleRequest } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import type { Models } from '../db/models.js';
import { membershipEvent, type MembershipEvents } from '../events/membership-events.js';
import type { PermissionChecker } from '../permissions/permission-checker.js';
import { loadRoles, toRole } from '../permissions/permission-data.js';
import { additions, assertBelow, assertCanGrant } from '../permissions/hierarchy.js';
import { assertRoleSlot, type Quotas } from '../quotas/quotas.js';

export interface RoleService {
  list(serverId: string, user: AuthenticatedUser): Promise<Role[]>;
  create(serverId: string, user: AuthenticatedUser, input: CreateRoleRequest, correlationId?: string): Promise<Role>;
  update(serverId: string, roleId: string, user: AuthenticatedUser, patch: UpdateRoleRequest, correlationId?: string): Promise<Role>;
  remove(serverId: string, roleId: string, user: AuthenticatedUser, correlationId?: string): Promise<void>;
}

const roleNotFound = () => new AppError('NOT_FOUND', 'Role not found');
const everyoneOnly = (path: string) =>
  new AppError('VALIDATION_FAILED', '@everyone keeps its name and position', [{ path, message: 'cannot be changed on @everyone' }]);

/**
 * Roles of a server (SPEC 15), MANAGE_ROLES for every change, the hierarchy rules of
 * permissions/hierarchy.ts, and a `role.changed` event for each (gateways drop the server's cached
 * answers). Listing is open to every member (role names are shown next to members).
 */
interface RoleServiceDeps {
  models: Models;
  events: MembershipEvents;
  permissions: PermissionChecker;
  quotas: Quotas;
}

export function createRoleService(deps: RoleServiceDeps): RoleService {
  const { models, events, permissions, quotas } = deps;
  const findRole = async (serverId: string, roleId: string) => {
    const role = (await loadRoles(models, serverId)).find((r) => r.id === roleId);
    if (!role) throw roleNotFound();
    return role;
  };

  return {
    async list(serverId, user) {
      const { view } = await permissions.actor(serverId, user.id);
      if (!view.isMember) throw new AppError('NOT_MEMBER', 'Only members can list the roles of this server');
      return view.roles.map((r) => toRole(serverId, r));
    },

    async create(serverId, user, input, correlationId) {
      const actor = await permissions.requirePermission(serverId, user.id, 'MANAGE_ROLES');
      // SPEC 3: `@everyone` counts as one of the server's roles. Checked before the insert (bounded by the write limit).
      assertRoleSlot(quotas, actor.view.roles.length);
      const position = input.position ?? 1;
      assertBelow(actor, position, 'the new role');
      const granted = input.permissions ?? [];
      assertCanGrant(actor, granted);
      const id = new Types.ObjectId();
      const doc = {
        _id: id,
        serverId: new Types.ObjectId(serverId),
        name: input.name,
        permissions: granted,
        position,
        createdAt: new Date(),
      };
      await events.record(membershipEvent.roleChanged(serverId, id.toHexString(), 'created', granted, correlationId), async () => {
        await models.Role.create([doc]);
      });
      return { id: id.toHexString(), serverId, name: input.name, permissions: granted, position };
    },

    async update(serverId, roleId, user, patch, correlationId) {
      const actor = await permissions.requirePermission(serverId, user.id, 'MANAGE_ROLES');
      const role = await findRole(serverId, roleId);
      const isEveryone = roleId === serverId;
      if (isEveryone && patch.name !== undefined) throw everyoneOnly('name');
      if (isEveryone && patch.position !== undefined) throw everyoneOnly('position');
      assertBelow(actor, role.position, role.name);
      if (patch.position !== undefined) assertBelow(actor, patch.position, 'the new position');
      const next = {
        name: patch.name ?? role.name,
        permissions: patch.permissions ?? [...role.permissions],
        position: patch.position ?? role.position,
      };
      assertCanGrant(actor, additions(role.permissions, next.permissions));
      const event = membershipEvent.roleChanged(serverId, roleId, 'updated', next.permissions, correlationId);
      await events.record(event, async () => {
        const filter = { _id: new Types.ObjectId(roleId), serverId: new Types.ObjectId(serverId) };
        // @everyone has no document until it is first edited: upsert it (never for other roles: they may be gone).
        const set = isEveryone
          ? { $set: { permissions: next.permissions }, $setOnInsert: { name: role.name, position: 0, createdAt: new Date() } }
          : { $set: next };
        const result = await models.Role.updateOne(filter, set, { upsert: isEveryone });
        if (result.matchedCount === 0 && result.upsertedCount === 0) throw roleNotFound();
      });
      return { id: roleId, serverId, ...next };
    },

    async remove(serverId, roleId, user, correlationId) {
      const actor = await permissions.requirePermission(serverId, user.id, 'MANAGE_ROLES');
      if (roleId === serverId) {
        throw new AppError('VALIDATION_FAILED', '@everyone cannot be deleted', [{ path: 'roleId', message: 'is @everyone' }]);
      }
      const role = await findRole(serverId, roleId);
      assertBelow(actor, role.position, role.name);
      await events.record(membershipEvent.roleChanged(serverId, roleId, 'deleted', [], correlationId), async () => {
        const id = new Types.ObjectId(roleId);
        const sid = new Types.ObjectId(serverId);
        const gone = await models.Role.deleteOne({ _id: id, serverId: sid });
        if (gone.deletedCount !== 1) throw roleNotFound();
        await Promise.all([
          models.Member.updateMany({ serverId: sid, roleIds: id }, { $pull: { roleIds: id } }),
          models.Override.deleteMany({ serverId: sid, roleId: id }),
        ]);
      });
    },
  };
}
