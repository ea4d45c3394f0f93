import { useMutation, useQueryClient } from '@tanstack/react-query';
import { chorus } from '../../lib/chorus';
import { useSession } from '../auth/session';
import { applyReaction } from './cache';

/** Adds or takes back the caller's reaction: shown at once, undone if the server refuses. */
export function useToggleReaction(channelId: string, messageId: string) {
  const qc = useQueryClient();
  const { user } = useSession();
  return useMutation({
    mutationFn: ({ emoji, on }: { emoji: string; on: boolean }) =>
      on ? chorus.reactions.add(channelId, messageId, emoji) : chorus.reactions.remove(channelId, messageId, emoji),
    onMutate: ({ emoji, on }) => {
      if (user) applyReaction(qc, { channelId, messageId, emoji, userId: user.id }, on ? 1 : -1, user.id);
    },
    onError: (_err, { emoji, on }) => {
      if (user) applyReaction(qc, { channelId, messageId, emoji, userId: user.id }, on ? -1 : 1, user.id);
    },
  });
}
