import type { AnyEnvelope } from '@chorus/contracts';
import type { Logger } from '@chorus/runtime';
import type { MessageRepository } from '../messages/message.repository.js';
import { toMessageDoc } from '../messages/message.mapper.js';
import type { MessageDoc } from '../messages/message.schema.js';
import type { ReadMark } from '../read-state/read-state.repository.js';

/** What a batch does beyond the messages themselves (reactions and read states, SPEC 12/13). */
export interface BatchSideEffects {
  /** Authors' own sends mark their channel read up to them (idempotent: `$max`). */
  markRead(marks: ReadMark[]): Promise<void>;
  /** Reactions and read states of deleted channels go with their messages. */
  forgetChannels(channelIds: string[]): Promise<void>;
}

/** Each author's newest message per channel in the batch, skipping what the database refused. */
export function authorMarks(docs: MessageDoc[], refused: ReadonlySet<number>): ReadMark[] {
  const newest = new Map<string, ReadMark>();
  docs.forEach((doc, i) => {
    if (refused.has(i)) return;
    const mark = { userId: doc.author.id.toHexString(), channelId: doc.channelId.toHexString(), messageId: doc._id.toHexString() };
    const key = `${mark.userId}:${mark.channelId}`;
    const seen = newest.get(key);
    if (!seen || seen.messageId < mark.messageId) newest.set(key, mark);
  });
  return [...newest.values()];
}

/** Channels and servers whose messages a batch deleted. */
export interface DeletedScopes {
  channelIds: string[];
  serverIds: string[];
}

/** What to do with each envelope of a written batch, by position. */
export interface BatchResult {
  /** Positions the database refused for good (not duplicates): they go to the dead-letter queue. */
  rejected: Set<number>;
  inserted: number;
  duplicates: number;
  purged: number;
  deletedScopes: DeletedScopes;
}

/**
 * Applies a batch of valid envelopes to MongoDB, idempotently:
 * 1. channel.deleted / server.deleted: tombstone the scopes, delete their messages;
 * 2. message.created: one insertMany(ordered:false) with `_id` = message id (E11000 = already stored);
 * 3. remove any just-written message whose channel or server is tombstoned (late or redelivered events);
 * 4. with `effects`: deleted channels' reactions and read states go too, and each author's send marks
 *    the channel read for them.
 * Throws when the database is unreachable: the caller keeps the deliveries unacked and retries.
 */
export async function writeBatch(
  repository: MessageRepository,
  envelopes: AnyEnvelope[],
  logger: Logger,
  effects?: BatchSideEffects,
): Promise<BatchResult> {
  const docs: MessageDoc[] = [];
  const docPositions: number[] = [];
  const channelIds: string[] = [];
  const serverIds: string[] = [];
  envelopes.forEach((envelope, position) => {
    switch (envelope.type) {
      case 'message.created':
        docs.push(toMessageDoc(envelope.payload));
        docPositions.push(position);
        break;
      case 'channel.deleted':
        channelIds.push(envelope.payload.channelId);
        break;
      case 'server.deleted':
        serverIds.push(envelope.payload.serverId);
        channelIds.push(...envelope.payload.channelIds);
        break;
      default:
        logger.warn({ type: envelope.type, eventId: envelope.id }, 'unexpected event on the history queue; acked and ignored');
        break;
    }
  });

  const at = new Date();
  if (channelIds.length > 0 || serverIds.length > 0) {
    const removed = await repository.deleteScopes(channelIds, serverIds, at);
    await effects?.forgetChannels(channelIds);
    logger.info({ channelIds, serverIds, removed }, 'deleted the messages of removed channels/servers');
  }
  const outcome = await repository.insertBatch(docs);
  const rejected = new Set<number>();
  for (const r of outcome.rejected) {
    const position = docPositions[r.index];
    if (position === undefined) continue;
    rejected.add(position);
    logger.error(
      { messageId: docs[r.index]?._id.toHexString(), code: r.code, reason: r.message },
      'database refused a message; dead-lettering it',
    );
  }
  await effects?.markRead(authorMarks(docs, new Set(outcome.rejected.map((r) => r.index))));
  const purged = docs.length > 0 ? await repository.purgeOrphans(docs) : 0;
  if (purged > 0) logger.info({ purged }, 'removed messages that arrived after their channel was deleted');
  return { rejected, inserted: outcome.inserted, duplicates: outcome.duplicates, purged, deletedScopes: { channelIds, serverIds } };
}
