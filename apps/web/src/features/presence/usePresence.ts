import { useEffect } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { PresenceEntry, VisibleStatus } from '@chorus/contracts';
import { keys } from '../../lib/query-client';
import { useRealtime } from '../realtime/socket';

export const setPresence = (qc: QueryClient, userId: string, status: VisibleStatus) => qc.setQueryData(keys.presence(userId), status);

/**
 * Watches a server's presence while its page is open (SPEC 11: lazy, like Discord's guild
 * subscriptions): the snapshot and then each `presence:updated` land in the query cache, where every
 * PresenceDot reads them. Subscribed again after each reconnect.
 */
export function useServerPresence(serverId: string, memberIds: readonly string[]) {
  const { socket, state } = useRealtime();
  const qc = useQueryClient();
  const members = memberIds.join(',');
  useEffect(() => {
    if (!socket || state !== 'connected') return;
    let active = true;
    socket
      .subscribePresence(serverId)
      .then((presences: PresenceEntry[]) => {
        if (!active) return;
        const shown = new Set(presences.map((p) => p.userId));
        for (const id of members.split(',').filter(Boolean)) if (!shown.has(id)) setPresence(qc, id, 'offline');
        for (const p of presences) setPresence(qc, p.userId, p.status);
      })
      .catch(() => undefined);
    return () => {
      active = false;
      socket.unsubscribePresence(serverId);
    };
  }, [socket, state, serverId, members, qc]);
}
