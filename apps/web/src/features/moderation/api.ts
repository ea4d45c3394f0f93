import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ListMembersResponse } from '@chorus/contracts';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';

type Members = ListMembersResponse['members'];

/** Kick or ban (SPEC 15): the member leaves the list at once; the list and the count are then reloaded. */
export function useRemoveMember(serverId: string) {
  const qc = useQueryClient();
  const settle = (userId: string) => {
    qc.setQueryData<Members>(keys.members(serverId), (list) => list?.filter((m) => m.userId !== userId));
    void qc.invalidateQueries({ queryKey: keys.members(serverId) });
    void qc.invalidateQueries({ queryKey: keys.server(serverId), exact: true });
  };
  const kick = useMutation({ mutationFn: (userId: string) => chorus.moderation.kick(serverId, userId), onSuccess: (_, id) => settle(id) });
  const ban = useMutation({
    mutationFn: ({ userId, reason }: { userId: string; reason?: string }) => chorus.moderation.ban(serverId, userId, reason),
    onSuccess: (_, { userId }) => {
      settle(userId);
      void qc.invalidateQueries({ queryKey: keys.bans(serverId) });
    },
  });
  return { kick, ban };
}

export const useBans = (serverId: string, enabled: boolean) =>
  useQuery({ queryKey: keys.bans(serverId), queryFn: () => chorus.moderation.bans(serverId), enabled });

export function useUnban(serverId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => chorus.moderation.unban(serverId, userId),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.bans(serverId) }),
  });
}
