import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { IsoDateTime, ObjectIdString } from '../ids.js';
import { queryInt } from './servers.js';
import { Reaction } from '../engagement.js';

/** Counts Unicode code points, not UTF-16 units, so an emoji is one character. */
export const codePointLength = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Message text: trimmed, then 1–2000 code points (SPEC 5). The trimmed text is what is stored. */
export const MessageContent = z
  .string()
  .max(LIMITS.contentMaxChars * 2 + 1024, `must be at most ${LIMITS.contentMaxChars} characters`)
  .transform((s) => s.trim())
  .refine((s) => codePointLength(s) >= LIMITS.contentMinChars, 'must not be empty')
  .refine((s) => codePointLength(s) <= LIMITS.contentMaxChars, `must be at most ${LIMITS.contentMaxChars} characters`);

export const Nonce = z.string().min(1).max(LIMITS.nonceMaxChars);

/** The author as of the send (SPEC 10): a later profile edit does not rewrite old messages. */
export const MessageAuthor = z.object({
  id: ObjectIdString,
  username: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
});
export type MessageAuthor = z.infer<typeof MessageAuthor>;

/**
 * SPEC 4. `editedAt` is null until edited; `nonce` only when the sender gave one; `serverId` null in a DM; `reactions` in order of
 * first use (SPEC 12) — defaulted to `[]` so a `message.created` v1 from a gateway that predates
 * reactions still parses.
 */
export const Message = z.object({
  id: ObjectIdString,
  channelId: ObjectIdString,
  serverId: ObjectIdString.nullable(),
  author: MessageAuthor,
  content: z.string(),
  nonce: Nonce.optional(),
  createdAt: IsoDateTime,
  editedAt: IsoDateTime.nullable(),
  reactions: z.array(Reaction).default([]),
});
export type Message = z.infer<typeof Message>;

/** GET /api/channels/:channelId/messages query: at most one cursor; unknown parameters are a 400. */
export const HistoryQuery = z
  .strictObject({
    before: ObjectIdString.optional(),
    after: ObjectIdString.optional(),
    around: ObjectIdString.optional(),
    limit: queryInt(LIMITS.historyPageMin, LIMITS.historyPageMax, LIMITS.historyPageDefault),
  })
  .refine(
    (q) => [q.before, q.after, q.around].filter((c) => c !== undefined).length <= 1,
    'before, after and around are mutually exclusive',
  );
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const HistoryPage = z.object({ messages: z.array(Message), hasMore: z.boolean() });
export type HistoryPage = z.infer<typeof HistoryPage>;

export const ChannelMessagesParams = z.strictObject({ channelId: ObjectIdString });
export const MessageParams = z.strictObject({ channelId: ObjectIdString, messageId: ObjectIdString });

/** PATCH /api/channels/:channelId/messages/:messageId */
export const EditMessageRequest = z.strictObject({ content: MessageContent });
export type EditMessageRequest = z.infer<typeof EditMessageRequest>;
