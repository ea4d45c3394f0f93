import { z } from 'zod';

/**
 * INTERIM (issue 13, web part): SPEC 15 shapes as the SPEC text gives them, used only until the
 * backend branches' own contracts (libs/contracts, "roles contracts:" / "invites contracts:") are
 * merged. Then this file is deleted and `community.ts` imports from `@chorus/contracts`.
 */
export const PERMISSIONS = [
  'MANAGE_SERVER',
  'MANAGE_CHANNELS',
  'MANAGE_ROLES',
  'KICK_MEMBERS',
  'BAN_MEMBERS',
  'MANAGE_MESSAGES',
  'CREATE_INVITES',
  'SEND_MESSAGES',
  'READ_HISTORY',
  'ADMINISTRATOR',
] as const;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

export const Role = z.object({ id: z.string(), name: z.string(), permissions: z.array(Permission), position: z.number() });
export type Role = z.infer<typeof Role>;
export const RolesResponse = z.object({ roles: z.array(Role) });
export interface RoleRequest {
  name?: string;
  permissions?: Permission[];
  position?: number;
}

export const MemberAccess = z.object({
  isMember: z.boolean(),
  permissions: z.array(Permission).default([]),
  roleIds: z.array(z.string()).default([]),
});
export type MemberAccess = z.infer<typeof MemberAccess>;

export interface OverrideRequest {
  allow: Permission[];
  deny: Permission[];
}

export const Ban = z.object({ userId: z.string(), username: z.string().optional(), reason: z.string().nullish() });
export type Ban = z.infer<typeof Ban>;
export const BansResponse = z.object({ bans: z.array(Ban) });
