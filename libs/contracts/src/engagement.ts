import { z } from 'zod';
import { ObjectIdString } from './ids.js';

/** Reactions and read state (SPEC 12, 13): limits, REST DTOs, socket payloads and broker payloads. */
export const ENGAGEMENT_LIMITS = {
  /** Distinct emoji on one message (the 21st is refused). */
  maxDistinctEmoji: 20,
  /** An emoji, in UTF-8 bytes. */
  emojiMaxBytes: 32,
  /** unreadCount / mentionCount stop counting here (100 means "100+"). */
  unreadCap: 100,
  /** Mentions (`<@userId>`) indexed per message; more are still text, but do not count. */
  maxMentionsPerMessage: 50,
} as const;

const utf8 = new TextEncoder();
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Code points an emoji grapheme may be made of: pictographs, skin-tone modifiers, ZWJ, variation selectors, tags, keycaps, flags. */
const EMOJI_PARTS =
  /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200D|\uFE0E|\uFE0F|\u20E3|[#*0-9]|[\u{E0020}-\u{E007F}])+$/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const FLAG = /^\p{Regional_Indicator}{2}$/u;
const KEYCAP = /^[#*0-9]\uFE0F?\u20E3$/u;

/**
 * True when `s` is exactly one emoji grapheme (Intl.Segmenter): an Extended_Pictographic with its
 * modifiers and ZWJ sequence, or — beyond SPEC 12's letter, because people use them as reactions — a
 * flag (two regional indicators) or a keycap. Text, two emoji, or anything over 32 bytes is not.
 */
export function isEmojiGrapheme(s: string): boolean {
  if (s.length === 0 || utf8.encode(s).length > ENGAGEMENT_LIMITS.emojiMaxBytes) return false;
  const graphemes = [...segmenter.segment(s)];
  if (graphemes.length !== 1 || !EMOJI_PARTS.test(s)) return false;
  return PICTOGRAPH.test(s) || FLAG.test(s) || KEYCAP.test(s);
}

export const Emoji = z
  .string()
  .max(ENGAGEMENT_LIMITS.emojiMaxBytes, `must be at most ${ENGAGEMENT_LIMITS.emojiMaxBytes} bytes`)
  .refine(isEmojiGrapheme, 'must be one emoji (at most 32 bytes)');
export type Emoji = z.infer<typeof Emoji>;

/** One emoji on a message: how many reacted, and whether the caller did (`me` is false in broadcasts). */
export const Reaction = z.object({ emoji: z.string(), count: z.number().int().positive(), me: z.boolean() });
export type Reaction = z.infer<typeof Reaction>;

/** `PUT|DELETE /api/channels/:channelId/messages/:messageId/reactions/:emoji/@me` (`:emoji` URL-encoded). */
export const ReactionParams = z.strictObject({ channelId: ObjectIdString, messageId: ObjectIdString, emoji: Emoji });
export type ReactionParams = z.infer<typeof ReactionParams>;

/** `PUT /api/channels/:channelId/read` */
export const MarkReadRequest = z.strictObject({ messageId: ObjectIdString });
export type MarkReadRequest = z.infer<typeof MarkReadRequest>;

/** `GET /api/users/@me/read-states?serverId=<id>` or `?dms=true`: exactly one of the two. */
export const ReadStatesQuery = z
  .strictObject({ serverId: ObjectIdString.optional(), dms: z.literal('true').optional() })
  .refine((q) => (q.serverId === undefined) !== (q.dms === undefined), 'give exactly one of serverId or dms=true');
export type ReadStatesQuery = z.infer<typeof ReadStatesQuery>;

export const ReadState = z.object({
  channelId: ObjectIdString,
  /** Null until the caller read (or wrote in) the channel. */
  lastReadId: ObjectIdString.nullable(),
  /** The channel's newest message, null when it has none. */
  lastMessageId: ObjectIdString.nullable(),
  /** Messages by others newer than lastReadId, capped at 100 ("100+"). */
  unreadCount: z.number().int().min(0).max(ENGAGEMENT_LIMITS.unreadCap),
  /** Those of them that mention the caller as `<@userId>`, capped at 100. */
  mentionCount: z.number().int().min(0).max(ENGAGEMENT_LIMITS.unreadCap),
});
export type ReadState = z.infer<typeof ReadState>;
export const ReadStatesResponse = z.object({ readStates: z.array(ReadState) });
export type ReadStatesResponse = z.infer<typeof ReadStatesResponse>;

/** Socket `message:reaction_added` / `message:reaction_removed`, to the channel's room (once per change). */
export const ReactionEvent = z.object({ channelId: ObjectIdString, messageId: ObjectIdString, emoji: z.string(), userId: ObjectIdString });
export type ReactionEvent = z.infer<typeof ReactionEvent>;
/** Socket `read:updated`, to the reader's own room (`user:<userId>`: all their sockets). */
export const ReadUpdatedEvent = z.object({ channelId: ObjectIdString, messageId: ObjectIdString });
export type ReadUpdatedEvent = z.infer<typeof ReadUpdatedEvent>;

/** Broker `reaction.added` / `reaction.removed` v1 (history → gateways). `serverId` null in a DM. */
export const ReactionChangedPayload = ReactionEvent.extend({ serverId: ObjectIdString.nullable() });
export type ReactionChangedPayload = z.infer<typeof ReactionChangedPayload>;
/** Broker `read.updated` v1 (history → gateways): relayed to `user:<userId>`. */
export const ReadUpdatedPayload = ReadUpdatedEvent.extend({ userId: ObjectIdString });
export type ReadUpdatedPayload = z.infer<typeof ReadUpdatedPayload>;

/** `<@userId>` mentions in message text, deduplicated, lower-cased, at most `maxMentionsPerMessage`. */
export function mentionedUserIds(content: string): string[] {
  const ids = new Set<string>();
  for (const m of content.matchAll(/<@([0-9a-fA-F]{24})>/g)) {
    ids.add(m[1]!.toLowerCase());
    if (ids.size >= ENGAGEMENT_LIMITS.maxMentionsPerMessage) break;
  }
  return [...ids];
}
