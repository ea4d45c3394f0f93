import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ServerDetail } from '@chorus/contracts';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';

export function useCreateChannel(serverId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; topic?: string }) => chorus.channels.create(serverId, body),
    onSuccess: (channel) => {
      qc.setQueryData<ServerDetail>(keys.server(serverId), (s) => s && { ...s, channels: [...s.channels, channel] });
      void qc.invalidateQueries({ queryKey: keys.server(serverId) });
    },
  });
}
