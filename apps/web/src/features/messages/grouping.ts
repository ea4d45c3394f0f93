import type { Message } from '@chorus/contracts';

/** Follow-ups closer than this to the previous message share its header (as in Discord and Slack). */
export const GROUP_MS = 5 * 60_000;

type Stamp = Pick<Message, 'createdAt'> & { author: Pick<Message['author'], 'id'> };

/**
 * Whether `message` continues the group of `prev` (the message just above it): the same author, less
 * than five minutes later, on the same day in the reader's time zone. A continuation shows only its
 * text; its author and time stay in the accessible name.
 */
export function continuesGroup(prev: Stamp | undefined, message: Stamp): boolean {
  if (!prev || prev.author.id !== message.author.id) return false;
  const [before, after] = [new Date(prev.createdAt), new Date(message.createdAt)];
  const gap = after.getTime() - before.getTime();
  return gap >= 0 && gap < GROUP_MS && before.toDateString() === after.toDateString();
}
