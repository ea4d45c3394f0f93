import { Types } from 'mongoose';
import { DEFAULT_EVERYONE_PERMISSIONS, Permission, sortPermissions, type Role } from '@chorus/contracts';
import type { Models } from '../db/models.js';
import type { MemberView, OverrideView, RoleView } from './compute.js';

export const EVERYONE_NAME = '@everyone';

const knownPermissions = (list: readonly string[] | undefined): Permission[] =>
  (list ?? []).filter((p): p is Permission => Permission.safeParse(p).success);

/**
 * Every role of a server, highest first, `@everyone` last — synthesised with the defaults when it has
 * never been edited (no document). One read on the `{serverId, position}` index, through the driver.
 */
export async function loadRoles(models: Models, serverId: string): Promise<RoleView[]> {
  const docs = await models.Role.collection
    .find({ serverId: new Types.ObjectId(serverId) }, { projection: { name: 1, permissions: 1, position: 1 } })
    .sort({ position: -1, _id: 1 })
    .toArray();
  const roles: RoleView[] = docs.map((d) => ({
    id: (d._id as Types.ObjectId).toHexString(),
    name: String(d.name),
    permissions: knownPermissions(d.permissions as string[] | undefined),
    position: Number(d.position),
  }));
  const others = roles.filter((r) => r.id !== serverId);
  const everyone = roles.find((r) => r.id === serverId) ?? {
    id: serverId,
    name: EVERYONE_NAME,
    permissions: sortPermissions(DEFAULT_EVERYONE_PERMISSIONS),
    position: 0,
  };
  return [...others, { ...everyone, name: EVERYONE_NAME, position: 0 }];
}

/** A channel's overrides (one read on the unique `{channelId, roleId}` index). */
export async function loadOverrides(models: Models, channelId: string): Promise<OverrideView[]> {
  const docs = await models.Override.collection
    .find({ channelId: new Types.ObjectId(channelId) }, { projection: { roleId: 1, allow: 1, deny: 1 } })
    .toArray();
  return docs.map((d) => ({
    roleId: (d.roleId as Types.ObjectId).toHexString(),
    allow: knownPermissions(d.allow as string[] | undefined),
    deny: knownPermissions(d.deny as string[] | undefined),
  }));
}

/** The membership's role ids, or null when the user is not a member (the unique `(serverId, userId)` lookup). */
export async function loadMembership(models: Models, serverId: string, userId: string): Promise<string[] | null> {
  const doc = await models.Member.collection.findOne(
    { serverId: new Types.ObjectId(serverId), userId: new Types.ObjectId(userId) },
    { projection: { roleIds: 1 } },
  );
  if (!doc) return null;
  return ((doc.roleIds as Types.ObjectId[] | undefined) ?? []).map((id) => id.toHexString());
}

/** Builds the view from what was read; role ids that no longer name a role are dropped. */
export function memberView(serverId: string, ownerId: string, userId: string, roleIds: string[] | null, roles: RoleView[]): MemberView {
  const existing = new Set(roles.map((r) => r.id));
  return {
    serverId,
    ownerId,
    userId,
    isOwner: ownerId === userId,
    isMember: roleIds !== null || ownerId === userId,
    roleIds: (roleIds ?? []).filter((id) => id !== serverId && existing.has(id)),
    roles,
  };
}

export function toRole(serverId: string, role: RoleView): Role {
  return { id: role.id, serverId, name: role.name, permissions: [...role.permissions], position: role.position };
}
