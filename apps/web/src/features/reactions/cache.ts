import type { QueryClient } from '@tanstack/react-query';
import type { Message, ReactionEvent } from '@chorus/contracts';
import { keys } from '../../lib/query-client';
import type { MessagesData } from '../messages/cache';

/**
 * One reaction change applied to a message's `reactions` (order of first use kept). The caller's own
 * changes are idempotent on `me` — the optimistic update of a click and the broadcast that follows it
 * count once; everyone else's are counted as they come.
 */
export function reacted(message: Message, emoji: string, delta: 1 | -1, byMe: boolean): Message {
  const found = message.reactions.find((r) => r.emoji === emoji);
  if (byMe && (found?.me ?? false) === delta > 0) return message;
  const reactions = found
    ? message.reactions.map((r) => (r.emoji === emoji ? { ...r, count: r.count + delta, me: byMe ? delta > 0 : r.me } : r))
    : delta > 0
      ? [...message.reactions, { emoji, count: 1, me: byMe }]
      : message.reactions;
  return { ...message, reactions: reactions.filter((r) => r.count > 0) };
}

export function applyReaction(client: QueryClient, event: ReactionEvent, delta: 1 | -1, selfId: string | undefined): void {
  client.setQueryData<MessagesData>(
    keys.messages(event.channelId),
    (data) =>
      data && {
        ...data,
        pages: data.pages.map((p) => ({
          ...p,
          messages: p.messages.map((m) => (m.id === event.messageId ? reacted(m, event.emoji, delta, event.userId === selfId) : m)),
        })),
      },
  );
}
