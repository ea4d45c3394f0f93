import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateServerRequest } from '@chorus/contracts';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';

export const useCategories = () => useQuery({ queryKey: keys.categories, queryFn: () => chorus.categories.list(), staleTime: Infinity });

export const useMyServers = () => useQuery({ queryKey: keys.myServers, queryFn: () => chorus.servers.list({ member: '@me', limit: 100 }) });

export const useExplore = (params: { q?: string; category?: string }) =>
  useQuery({
    queryKey: keys.explore(params),
    queryFn: () => chorus.servers.list({ ...params, limit: 50 }),
    placeholderData: (previous) => previous,
  });

export const serverQuery = (serverId: string) =>
  queryOptions({ queryKey: keys.server(serverId), queryFn: () => chorus.servers.get(serverId) });
export const useServer = (serverId: string) => useQuery(serverQuery(serverId));

export const isMemberQuery = (serverId: string) =>
  queryOptions({ queryKey: keys.isMember(serverId), queryFn: () => chorus.members.isMember(serverId) });
export const useIsMember = (serverId: string) => useQuery(isMemberQuery(serverId));

/** While on screen it refetches on focus and every 30 s (joins and leaves have no socket event yet: member-cache.ts). */
export const useMembers = (serverId: string, enabled: boolean) =>
  useQuery({
    queryKey: keys.members(serverId),
    queryFn: () => chorus.members.list(serverId, { limit: 100 }),
    enabled,
    refetchOnWindowFocus: true,
    refetchInterval: 30_000,
  });

export function useCreateServer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateServerRequest) => chorus.servers.create(body),
    onSuccess: (server) => {
      qc.setQueryData(keys.server(server.id), server);
      qc.setQueryData(keys.isMember(server.id), true);
      void qc.invalidateQueries({ queryKey: ['servers'] });
    },
  });
}

/** Join or leave: both refresh the side bar, the server's member count and the member list. */
export function useMembership(serverId: string) {
  const qc = useQueryClient();
  const settle = (isMember: boolean) => {
    qc.setQueryData(keys.isMember(serverId), isMember);
    void qc.invalidateQueries({ queryKey: ['servers'] });
    void qc.invalidateQueries({ queryKey: keys.server(serverId) });
    void qc.invalidateQueries({ queryKey: keys.members(serverId) });
  };
  const join = useMutation({ mutationFn: () => chorus.members.join(serverId), onSuccess: () => settle(true) });
  const leave = useMutation({ mutationFn: () => chorus.members.leave(serverId), onSuccess: () => settle(false) });
  return { join, leave };
}
