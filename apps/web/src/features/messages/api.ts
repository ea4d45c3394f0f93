import { infiniteQueryOptions, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';
import { removeMessage, replaceMessage } from './cache';

const PAGE = 50;

/** A channel's history: the newest page first, then older pages with `before=` as the reader scrolls up. */
export const channelMessagesQuery = (channelId: string) =>
  infiniteQueryOptions({
    queryKey: keys.messages(channelId),
    queryFn: ({ pageParam, signal }) =>
      chorus.messages.page(channelId, { limit: PAGE, ...(pageParam ? { before: pageParam } : {}) }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore ? last.messages.at(-1)?.id : undefined),
    // Live events keep it current; a refetch would throw away the pages scrolled into.
    staleTime: Infinity,
    gcTime: 5 * 60_000,
  });

export const useChannelMessages = (channelId: string) => useInfiniteQuery(channelMessagesQuery(channelId));

export function useEditMessage(channelId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, content }: { id: string; content: string }) => chorus.messages.edit(channelId, id, { content }),
    onSuccess: (message) => replaceMessage(qc, message),
  });
}

export function useDeleteMessage(channelId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => chorus.messages.remove(channelId, id),
    onSuccess: (_r, id) => removeMessage(qc, channelId, id),
  });
}
