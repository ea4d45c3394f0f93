import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { HistoryPage, Message } from '@chorus/contracts';
import { keys } from '../../lib/query-client';

/** A channel's history in the query cache: pages newest first, each page newest first (as the API serves them). */
export type MessagesData = InfiniteData<HistoryPage, string | undefined>;

/** Adds or replaces messages by id, keeping every page sorted newest first. Messages older than what is loaded are left to paging. */
export function mergeMessages(client: QueryClient, channelId: string, incoming: Message[]): void {
  client.setQueryData<MessagesData>(keys.messages(channelId), (data) => {
    if (!data || data.pages.length === 0) return data;
    const pages = data.pages.map((p) => ({ ...p, messages: [...p.messages] }));
    const oldestLoaded = pages.at(-1)!.messages.at(-1)?.id;
    for (const m of incoming) {
      const page = pages.find((p) => p.messages.some((x) => x.id === m.id));
      if (page) {
        page.messages = page.messages.map((x) => (x.id === m.id ? m : x));
        continue;
      }
      if (oldestLoaded && m.id < oldestLoaded && pages.at(-1)!.hasMore) continue;
      const first = pages[0]!;
      first.messages = [...first.messages, m].sort((a, b) => (a.id < b.id ? 1 : -1));
    }
    return { ...data, pages };
  });
}

/** An edited message replaces the cached one; broadcasts carry `me: false`, so the caller's `me` is kept. */
export function replaceMessage(client: QueryClient, message: Message): void {
  const keepMine = (old: Message): Message => ({
    ...message,
    reactions: message.reactions.map((r) => ({ ...r, me: r.me || (old.reactions.find((o) => o.emoji === r.emoji)?.me ?? false) })),
  });
  client.setQueryData<MessagesData>(
    keys.messages(message.channelId),
    (data) =>
      data && {
        ...data,
        pages: data.pages.map((p) => ({ ...p, messages: p.messages.map((m) => (m.id === message.id ? keepMine(m) : m)) })),
      },
  );
}

export function removeMessage(client: QueryClient, channelId: string, messageId: string): void {
  client.setQueryData<MessagesData>(
    keys.messages(channelId),
    (data) => data && { ...data, pages: data.pages.map((p) => ({ ...p, messages: p.messages.filter((m) => m.id !== messageId) })) },
  );
}

export const newestId = (data: MessagesData | undefined): string | undefined => data?.pages[0]?.messages[0]?.id;
