import { z } from 'zod';
import { IsoDateTime, ObjectIdString } from '../ids.js';
import { LIMITS } from '../limits.js';
import { Permission, PermissionList } from '../permissions.js';

/**
 * SPEC 15: roles, channel overrides, kick and ban. `@everyone` is the role whose id is the server id,
 * at position 0, held by every member; other roles have positions 1..rolePositionMax (higher outranks).
 */
export const RoleName = z.string().trim().min(LIMITS.roleNameMinChars).max(LIMITS.roleNameMaxChars);
export const RolePosition = z.number().int().min(1).max(LIMITS.rolePositionMax);

export const Role = z.object({
  id: ObjectIdString,
  serverId: ObjectIdString,
  name: z.string(),
  permissions: z.array(Permission),
  /** 0 for `@everyone`; higher outranks lower. */
  position: z.number().int().nonnegative(),
});
export type Role = z.infer<typeof Role>;

/** GET /api/servers/:serverId/roles — highest position first, `@everyone` last. */
export const ListRolesResponse = z.object({ roles: z.array(Role) });
export type ListRolesResponse = z.infer<typeof ListRolesResponse>;

/** POST /api/servers/:serverId/roles → 201 Role. `permissions` defaults to none, `position` to 1. */
export const CreateRoleRequest = z.strictObject({
  name: RoleName,
  permissions: PermissionList.optional(),
  position: RolePosition.optional(),
});
export type CreateRoleRequest = z.infer<typeof CreateRoleRequest>;

/** PATCH /api/servers/:serverId/roles/:roleId → 200 Role. `@everyone` takes `permissions` only. */
export const UpdateRoleRequest = z
  .strictObject({ name: RoleName.optional(), permissions: PermissionList.optional(), position: RolePosition.optional() })
  .refine(
    (b) => b.name !== undefined || b.permissions !== undefined || b.position !== undefined,
    'give at least one of name, permissions, position',
  );
export type UpdateRoleRequest = z.infer<typeof UpdateRoleRequest>;

export const RoleIdParams = z.strictObject({ serverId: ObjectIdString, roleId: ObjectIdString });
export const MemberParams = z.strictObject({ serverId: ObjectIdString, userId: ObjectIdString });
export const MemberRoleParams = z.strictObject({ serverId: ObjectIdString, userId: ObjectIdString, roleId: ObjectIdString });
export const OverrideParams = z.strictObject({ serverId: ObjectIdString, channelId: ObjectIdString, roleId: ObjectIdString });

/**
 * PUT /api/servers/:serverId/channels/:channelId/overrides/:roleId → 200 ChannelOverride. A permission
 * may not be both allowed and denied; ADMINISTRATOR is a server-wide grant, never a channel override.
 * Both lists empty removes the override (as DELETE does).
 */
export const PutOverrideRequest = z
  .strictObject({ allow: PermissionList.default([]), deny: PermissionList.default([]) })
  .superRefine((b, ctx) => {
    for (const key of ['allow', 'deny'] as const) {
      if (b[key].includes('ADMINISTRATOR'))
        ctx.addIssue({ code: 'custom', path: [key], message: 'ADMINISTRATOR cannot be overridden per channel' });
    }
    const both = b.allow.filter((p) => b.deny.includes(p));
    if (both.length > 0) ctx.addIssue({ code: 'custom', path: ['deny'], message: `both allowed and denied: ${both.join(', ')}` });
  });
export type PutOverrideRequest = z.infer<typeof PutOverrideRequest>;

export const ChannelOverride = z.object({
  channelId: ObjectIdString,
  roleId: ObjectIdString,
  allow: z.array(Permission),
  deny: z.array(Permission),
});
export type ChannelOverride = z.infer<typeof ChannelOverride>;

/** GET /api/servers/:serverId/channels/:channelId/overrides (MANAGE_CHANNELS). */
export const ListOverridesResponse = z.object({ overrides: z.array(ChannelOverride) });
export type ListOverridesResponse = z.infer<typeof ListOverridesResponse>;

/** PUT /api/servers/:serverId/bans/:userId → 204. */
export const BanRequest = z.strictObject({ reason: z.string().trim().max(LIMITS.banReasonMaxChars).optional() });
export type BanRequest = z.infer<typeof BanRequest>;

export const Ban = z.object({
  userId: ObjectIdString,
  username: z.string(),
  reason: z.string().nullable(),
  bannedBy: ObjectIdString,
  createdAt: IsoDateTime,
});
export type Ban = z.infer<typeof Ban>;

/** GET /api/servers/:serverId/bans (BAN_MEMBERS) — newest first. */
export const ListBansResponse = z.object({ bans: z.array(Ban) });
export type ListBansResponse = z.infer<typeof ListBansResponse>;
