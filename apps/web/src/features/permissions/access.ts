import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Permission } from '@chorus/client';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';
import { useSession } from '../auth/session';
import { useServer } from '../servers/api';

export const accessQuery = (serverId: string) =>
  queryOptions({ queryKey: keys.access(serverId), queryFn: () => chorus.moderation.access(serverId) });

export interface Permissions {
  /** The caller may do this in the server (owner and ADMINISTRATOR may do everything, SPEC 15). */
  can(permission: Permission): boolean;
  isOwner: boolean;
  roleIds: readonly string[];
}

/**
 * What the UI may offer the caller in a server, from `GET …/members/@me` (SPEC 15). It is only a hint
 * for showing controls: the services decide, and a refused action shows their error.
 */
export function usePermissions(serverId: string): Permissions {
  const { user } = useSession();
  const server = useServer(serverId);
  const { data } = useQuery({ ...accessQuery(serverId), enabled: !!user });
  const isOwner = !!user && server.data?.ownerId === user.id;
  const granted = new Set<Permission>(data?.isMember ? data.permissions : []);
  return {
    can: (p) => isOwner || granted.has('ADMINISTRATOR') || granted.has(p),
    isOwner,
    roleIds: data?.roleIds ?? [],
  };
}
