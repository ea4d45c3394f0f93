import type { QueryClient } from '@tanstack/react-query';
import { ENGAGEMENT_LIMITS, mentionedUserIds, type Message, type ReadState, type ReadUpdatedEvent } from '@chorus/contracts';
import { keys } from '../../lib/query-client';

const CAP = ENGAGEMENT_LIMITS.unreadCap;
const cap = (n: number) => Math.min(CAP, n);

/** Read states live in the query cache per server; socket events and the client's own marks update them there. */
function update(client: QueryClient, channelId: string, change: (s: ReadState) => ReadState, serverId?: string | null): void {
  const patch = (states: ReadState[] | undefined) => states?.map((s) => (s.channelId === channelId ? change(s) : s));
  if (serverId) client.setQueryData<ReadState[]>(keys.readStates(serverId), patch);
  else client.setQueriesData<ReadState[]>({ queryKey: keys.allReadStates }, patch);
}

/** Read up to `messageId` (never backwards): what is left unread is only known to be zero when it is the newest. */
export function markedRead(client: QueryClient, channelId: string, messageId: string, serverId?: string | null): void {
  let stale = false;
  update(
    client,
    channelId,
    (s) => {
      if (s.lastReadId && s.lastReadId >= messageId) return s;
      const caughtUp = !s.lastMessageId || messageId >= s.lastMessageId;
      if (!caughtUp) stale = true;
      return { ...s, lastReadId: messageId, ...(caughtUp ? { unreadCount: 0, mentionCount: 0 } : {}) };
    },
    serverId,
  );
  if (stale) void client.invalidateQueries({ queryKey: serverId ? keys.readStates(serverId) : keys.allReadStates });
}

/** A new message in a channel whose room this client is in: one more unread (and mention) unless it is one's own. */
export function messageArrived(client: QueryClient, message: Message, selfId: string | undefined): void {
  update(
    client,
    message.channelId,
    (s) => {
      const newer = !s.lastMessageId || message.id > s.lastMessageId;
      const next = { ...s, lastMessageId: newer ? message.id : s.lastMessageId };
      if (message.author.id === selfId) return { ...next, lastReadId: message.id, unreadCount: 0, mentionCount: 0 };
      if (s.lastReadId && message.id <= s.lastReadId) return next;
      const mentioned = !!selfId && mentionedUserIds(message.content).includes(selfId);
      return { ...next, unreadCount: cap(s.unreadCount + 1), mentionCount: cap(s.mentionCount + (mentioned ? 1 : 0)) };
    },
    message.serverId,
  );
}

export const readUpdated = (client: QueryClient, event: ReadUpdatedEvent): void => markedRead(client, event.channelId, event.messageId);
