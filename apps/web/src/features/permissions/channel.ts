import type { Permission } from '@chorus/client';
import type { Permissions } from './access';

interface Override {
  roleId: string;
  allow: readonly string[];
  deny: readonly string[];
}

/**
 * The caller's permission in one channel (SPEC 15): the server-wide answer, then the channel's
 * overrides for the roles they hold (`@everyone`'s id is the server id): deny before allow. Owner and
 * ADMINISTRATOR are never restricted. A hint for the UI only; the gateway enforces.
 */
export function canInChannel(perms: Permissions, serverId: string, channel: object, permission: Permission): boolean {
  if (perms.isOwner || perms.can('ADMINISTRATOR')) return true;
  const held = new Set([serverId, ...perms.roleIds]);
  const overrides = channelOverrides(channel).filter((o) => held.has(o.roleId));
  if (overrides.some((o) => o.allow.includes(permission))) return true;
  if (overrides.some((o) => o.deny.includes(permission))) return false;
  return perms.can(permission);
}

/** INTERIM: where a channel's overrides are, until the roles contract says. */
export function channelOverrides(channel: object): Override[] {
  return 'overrides' in channel && Array.isArray(channel.overrides) ? (channel.overrides as Override[]) : [];
}
