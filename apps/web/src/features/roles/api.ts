import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelOverride, Permission, Role } from '@chorus/contracts';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';

/** Human names of the closed permission set (SPEC 15). */
export const PERMISSION_LABELS: Record<Permission, string> = {
  ADMINISTRATOR: 'Administrator (every permission)',
  MANAGE_SERVER: 'Manage server',
  MANAGE_CHANNELS: 'Manage channels',
  MANAGE_ROLES: 'Manage roles',
  KICK_MEMBERS: 'Kick members',
  BAN_MEMBERS: 'Ban members',
  MANAGE_MESSAGES: 'Manage messages',
  CREATE_INVITES: 'Create invites',
  SEND_MESSAGES: 'Send messages',
  READ_HISTORY: 'Read message history',
};

/** Highest first, as a role list reads; `@everyone` (id = the server id) is always last. */
export const byRank = (roles: readonly Role[]) => [...roles].sort((a, b) => b.position - a.position);

export const useRoles = (serverId: string, enabled = true) =>
  useQuery({ queryKey: keys.roles(serverId), queryFn: () => chorus.roles.list(serverId), enabled });

/**
 * Every role edit reloads the roles, and the caller's own permissions (they may hold the role). The
 * reload is awaited in `onSettled`, so the mutation stays pending (and the UI shows its variables)
 * until the fresh answer is in the cache: no flash of the old state.
 */
function useRoleMutation<V, R>(serverId: string, run: (vars: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () =>
      Promise.all([qc.invalidateQueries({ queryKey: keys.roles(serverId) }), qc.invalidateQueries({ queryKey: keys.access(serverId) })]),
  });
}

export const useCreateRole = (serverId: string) =>
  useRoleMutation(serverId, (name: string) => chorus.roles.create(serverId, { name, permissions: [] }));

export const useUpdateRole = (serverId: string) =>
  useRoleMutation(serverId, ({ roleId, ...body }: { roleId: string; name?: string; permissions?: Permission[]; position?: number }) =>
    chorus.roles.update(serverId, roleId, body),
  );

export const useDeleteRole = (serverId: string) => useRoleMutation(serverId, (roleId: string) => chorus.roles.remove(serverId, roleId));

/**
 * "Move up" / "Move down": `role` passes its neighbour `other` (positions 1..1000, higher outranks;
 * new roles all start at 1, so neighbours may share a position). Different positions swap; equal ones
 * lift whichever should end up higher by one.
 */
export const useMoveRole = (serverId: string) =>
  useRoleMutation(serverId, async ({ role, other, up }: { role: Role; other: Role; up: boolean }) => {
    const [high, low] = up ? [role, other] : [other, role];
    if (high.position !== low.position) {
      await chorus.roles.update(serverId, high.id, { position: low.position });
      await chorus.roles.update(serverId, low.id, { position: high.position });
    } else await chorus.roles.update(serverId, high.id, { position: high.position + 1 });
  });

export function useAssignRole(serverId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, roleId, on }: { userId: string; roleId: string; on: boolean }) =>
      on ? chorus.roles.assign(serverId, userId, roleId) : chorus.roles.unassign(serverId, userId, roleId),
    onSettled: () =>
      Promise.all([qc.invalidateQueries({ queryKey: keys.members(serverId) }), qc.invalidateQueries({ queryKey: keys.access(serverId) })]),
  });
}

export function useSetOverride(serverId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ channelId, roleId, allow, deny }: { channelId: string; roleId: string; allow: Permission[]; deny: Permission[] }) =>
      chorus.roles.setOverride(serverId, channelId, roleId, { allow, deny }),
    onSuccess: (override, { channelId }) =>
      qc.setQueryData(keys.overrides(serverId, channelId), (list: ChannelOverride[] | undefined) => [
        ...(list ?? []).filter((o) => o.roleId !== override.roleId),
        override,
      ]),
    onSettled: (_, __, { channelId }) =>
      Promise.all([
        qc.invalidateQueries({ queryKey: keys.overrides(serverId, channelId) }),
        qc.invalidateQueries({ queryKey: keys.access(serverId) }),
      ]),
  });
}
