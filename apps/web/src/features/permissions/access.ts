import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Permission } from '@chorus/contracts';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';
import { useSession } from '../auth/session';
import { useServer } from '../servers/api';

/** `GET …/members/@me` (SPEC 15), server-wide or, with `channelId`, in that channel after its overrides. */
export const accessQuery = (serverId: string, channelId?: string) =>
  queryOptions({
    queryKey: channelId ? keys.channelAccess(serverId, channelId) : keys.access(serverId),
    queryFn: () => chorus.moderation.access(serverId, channelId),
    // Roles change with no socket event to clients: look again when the tab comes back.
    refetchOnWindowFocus: true,
  });

export interface Permissions {
  /** The caller may do this (owner and ADMINISTRATOR may do everything, SPEC 15). */
  can(permission: Permission): boolean;
  /** The answer has arrived (until then `can` is false for everyone but the owner). */
  ready: boolean;
  isOwner: boolean;
  roleIds: readonly string[];
}

/**
 * What the UI may offer the caller in a server (or one of its channels), from members/@me. Only a
 * hint for showing controls: the services decide, and a refused action shows their error.
 */
export function usePermissions(serverId: string, channelId?: string): Permissions {
  const { user } = useSession();
  const server = useServer(serverId);
  const { data } = useQuery({ ...accessQuery(serverId, channelId), enabled: !!user });
  const isOwner = !!user && server.data?.ownerId === user.id;
  const granted = new Set<Permission>(data?.isMember ? data.permissions : []);
  return {
    can: (p) => isOwner || granted.has('ADMINISTRATOR') || granted.has(p),
    ready: data !== undefined,
    isOwner,
    roleIds: data?.roleIds ?? [],
  };
}
