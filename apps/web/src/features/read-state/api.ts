import { useCallback } from 'react';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReadState } from '@chorus/contracts';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';
import { markedRead } from './cache';

/**
 * Unread counts come from history for a whole server at once. Channels whose room this client is in
 * update live (cache.ts); the others are fetched again when the window regains focus and every minute
 * — the gateway sends a server's messages only to the rooms of open channels.
 */
const readStatesQuery = (serverId: string) => ({
  queryKey: keys.readStates(serverId),
  queryFn: () => chorus.readStates.list({ serverId }),
  staleTime: 15_000,
  refetchInterval: 60_000,
  refetchOnWindowFocus: true,
});

export const useReadStates = (serverId: string) => useQuery(readStatesQuery(serverId));

/** Per server of the side bar: whether anything is unread, and how many mentions. */
export function useServersUnread(serverIds: string[]): Map<string, { unread: boolean; mentions: number }> {
  const results = useQueries({ queries: serverIds.map(readStatesQuery) });
  const out = new Map<string, { unread: boolean; mentions: number }>();
  serverIds.forEach((id, i) => {
    const states: ReadState[] = results[i]?.data ?? [];
    out.set(id, { unread: states.some((s) => s.unreadCount > 0), mentions: states.reduce((n, s) => n + s.mentionCount, 0) });
  });
  return out;
}

/** Marks a channel read up to a message: the cache at once, then history (which never moves it back). */
export function useMarkRead(channelId: string, serverId: string | null) {
  const qc = useQueryClient();
  return useCallback(
    (messageId: string) => {
      const known = serverId ? qc.getQueryData<ReadState[]>(keys.readStates(serverId))?.find((s) => s.channelId === channelId) : undefined;
      if (known?.lastReadId && known.lastReadId >= messageId) return;
      markedRead(qc, channelId, messageId, serverId);
      chorus.readStates.markRead(channelId, messageId).catch(() => undefined);
    },
    [qc, channelId, serverId],
  );
}
