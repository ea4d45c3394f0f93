import { ALL_PERMISSIONS, sortPermissions, type Permission } from '@chorus/contracts';

/** A role as permission computation needs it (`@everyone`: id = the server id, position 0). */
export interface RoleView {
  id: string;
  name: string;
  permissions: readonly Permission[];
  position: number;
}

export interface OverrideView {
  roleId: string;
  allow: readonly Permission[];
  deny: readonly Permission[];
}

/** Who the user is in the server: enough to compute any of their permissions. */
export interface MemberView {
  serverId: string;
  ownerId: string;
  userId: string;
  isOwner: boolean;
  isMember: boolean;
  /** Roles held besides `@everyone` (only roles that still exist). */
  roleIds: string[];
  /** Every role of the server, `@everyone` included. */
  roles: RoleView[];
}

/** The roles that apply to the member: `@everyone` and the ones they hold. */
function heldRoles(view: MemberView): RoleView[] {
  const held = new Set(view.roleIds);
  return view.roles.filter((r) => r.id === view.serverId || held.has(r.id));
}

/**
 * Server-level effective permissions (SPEC 15): none for a non-member; every permission for the owner
 * or anyone holding ADMINISTRATOR; otherwise the union of `@everyone`'s and their roles'. Expanded and in
 * `ALL_PERMISSIONS` order, so `includes` is the whole check.
 */
export function serverPermissions(view: MemberView): Permission[] {
  if (view.isOwner) return [...ALL_PERMISSIONS];
  if (!view.isMember) return [];
  const union = new Set<Permission>();
  for (const role of heldRoles(view)) for (const p of role.permissions) union.add(p);
  return union.has('ADMINISTRATOR') ? [...ALL_PERMISSIONS] : sortPermissions(union);
}

/**
 * Permissions in one channel: the server-level set, then the channel's overrides as Discord applies
 * them — first `@everyone`'s override (its deny, then its allow), then the overrides of the member's
 * other roles together (the union of their denies, then the union of their allows). So a role's allow
 * beats an `@everyone` deny (a read-only channel where Moderators may still post), and within one
 * stage an allow beats a deny. The owner and ADMINISTRATOR holders are above overrides.
 */
export function channelPermissions(view: MemberView, overrides: readonly OverrideView[]): Permission[] {
  const base = serverPermissions(view);
  if (!view.isMember && !view.isOwner) return [];
  if (base.includes('ADMINISTRATOR')) return base;
  const current = new Set<Permission>(base);
  const everyone = overrides.find((o) => o.roleId === view.serverId);
  if (everyone) {
    for (const p of everyone.deny) current.delete(p);
    for (const p of everyone.allow) current.add(p);
  }
  const held = new Set(view.roleIds);
  const roleOverrides = overrides.filter((o) => o.roleId !== view.serverId && held.has(o.roleId));
  for (const o of roleOverrides) for (const p of o.deny) current.delete(p);
  for (const o of roleOverrides) for (const p of o.allow) current.add(p);
  return sortPermissions(current);
}

/** The position of the member's highest role: Infinity for the owner, 0 with `@everyone` only, -1 for a non-member. */
export function highestPosition(view: MemberView): number {
  if (view.isOwner) return Number.POSITIVE_INFINITY;
  if (!view.isMember) return -1;
  return Math.max(0, ...heldRoles(view).map((r) => r.position));
}
