import type { Message } from '@chorus/contracts';
import type { ReactionRepository } from './reaction.repository.js';

/** Sets `me` on every reaction of these messages for `userId` (one batch of point lookups; none when nothing has reactions). */
export async function withMine(reactions: ReactionRepository, userId: string, messages: Message[]): Promise<Message[]> {
  const pairs = messages.flatMap((m) => m.reactions.map((r) => ({ messageId: m.id, emoji: r.emoji })));
  if (pairs.length === 0) return messages;
  const mine = await reactions.mine(userId, pairs);
  return messages.map((m) =>
    m.reactions.length === 0 ? m : { ...m, reactions: m.reactions.map((r) => ({ ...r, me: mine.has(`${m.id}:${r.emoji}`) })) },
  );
}
