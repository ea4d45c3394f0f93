import { z } from 'zod';

/**
 * The closed set of permissions (SPEC 15). Membership decides who has which (roles, channel overrides,
 * the owner); every service enforces the ones its actions need, from the authorization answer.
 */
export const ALL_PERMISSIONS = [
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

export const Permission = z.enum(ALL_PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

/** What `@everyone` (the role whose id is the server id) grants until someone edits it (in `ALL_PERMISSIONS` order, as every list on the wire). */
export const DEFAULT_EVERYONE_PERMISSIONS: readonly Permission[] = ['CREATE_INVITES', 'SEND_MESSAGES', 'READ_HISTORY'];

/** What each recipient of a DM may do in it (there are no roles in a DM; deleting is the author's only). */
export const DM_PERMISSIONS: readonly Permission[] = ['SEND_MESSAGES', 'READ_HISTORY'];

/**
 * A list of permissions on the wire: known names only, each at most once (a repeat is a 400, not
 * silently merged), returned in `ALL_PERMISSIONS` order.
 */
export const PermissionList = z
  .array(Permission)
  .max(ALL_PERMISSIONS.length)
  .refine((list) => new Set(list).size === list.length, 'lists a permission more than once')
  .transform((list) => sortPermissions(list));
export type PermissionList = z.infer<typeof PermissionList>;

/** `ALL_PERMISSIONS` order, no repeats. */
export function sortPermissions(list: Iterable<Permission>): Permission[] {
  const set = new Set(list);
  return ALL_PERMISSIONS.filter((p) => set.has(p));
}

/** Whether a set of effective permissions allows `permission` (ADMINISTRATOR allows everything). */
export function hasPermission(permissions: readonly Permission[], permission: Permission): boolean {
  return permissions.includes('ADMINISTRATOR') || permissions.includes(permission);
}
