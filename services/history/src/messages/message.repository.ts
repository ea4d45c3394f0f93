import { Types } from 'mongoose';
import type { Message } from '@chorus/contracts';
import { MESSAGE_INDEX, type MessageDoc, type MessageModels, type PendingEvent } from './message.schema.js';
import { mentionsOf, toMessage } from './message.mapper.js';
import { aroundPage, aroundSplit, newerPage, olderPage, type PageRequest } from './pagination.js';

export interface HistoryPageResult {
  messages: Message[];
  hasMore: boolean;
}

/** What a batched insert left undone: indexes of documents the database refused for good (not duplicates). */
export interface InsertOutcome {
  inserted: number;
  duplicates: number;
  rejected: Array<{ index: number; code: number | undefined; message: string }>;
}

const oid = (hex: string) => new Types.ObjectId(hex);
const LIVE = { deletedAt: null } as const;
/** Reads of messages for clients never carry the outbox. */
const NO_OUTBOX = { pendingEvent: 0 } as const;

interface WriteErrorLike {
  index: number;
  code?: number;
  errmsg?: string;
}

/** A MongoBulkWriteError's per-document errors, or undefined if `err` is something else (network, server down…). */
function writeErrorsOf(err: unknown): WriteErrorLike[] | undefined {
  const e = err as { name?: string; writeErrors?: unknown; writeConcernErrors?: unknown[] };
  if (e?.name !== 'MongoBulkWriteError') return undefined;
  if (Array.isArray(e.writeConcernErrors) && e.writeConcernErrors.length > 0) return undefined;
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  return list.length > 0 ? (list as WriteErrorLike[]) : undefined;
}

/** Every message query names its channel; every channel query is served by `{channelId: 1, _id: 1}`. */
export class MessageRepository {
  constructor(private readonly models: MessageModels) {}

  /** One history page, newest first (SPEC 4). */
  async page(channelId: string, req: PageRequest): Promise<HistoryPageResult> {
    const channel = oid(channelId);
    const find = (idRange: Record<string, Types.ObjectId> | undefined, dir: 1 | -1, limit: number) =>
      limit <= 0
        ? Promise.resolve([] as MessageDoc[])
        : this.models.Message.find({ channelId: channel, ...(idRange ? { _id: idRange } : {}), ...LIVE }, NO_OUTBOX)
            .sort({ _id: dir })
            .limit(limit)
            .hint(MESSAGE_INDEX)
            .lean<MessageDoc[]>()
            .exec();

    let page;
    switch (req.kind) {
      case 'latest':
        page = olderPage(await find(undefined, -1, req.limit + 1), req.limit);
        break;
      case 'before':
        page = olderPage(await find({ $lt: oid(req.cursor) }, -1, req.limit + 1), req.limit);
        break;
      case 'after':
        page = newerPage(await find({ $gt: oid(req.cursor) }, 1, req.limit + 1), req.limit);
        break;
      case 'around': {
        const split = aroundSplit(req.limit);
        const cursor = oid(req.cursor);
        const [atOrNewer, older] = await Promise.all([
          find({ $gte: cursor }, 1, split.atOrNewer),
          find({ $lt: cursor }, -1, split.older + 1),
        ]);
        page = aroundPage(atOrNewer, older, req.limit);
        break;
      }
    }
    return { messages: page.items.map(toMessage), hasMore: page.hasMore };
  }

  /** A live (not deleted) message of this channel, or null. */
  async find(channelId: string, messageId: string): Promise<MessageDoc | null> {
    return this.models.Message.findOne({ _id: oid(messageId), channelId: oid(channelId), ...LIVE }, NO_OUTBOX)
      .hint(MESSAGE_INDEX)
      .lean<MessageDoc>()
      .exec();
  }

  /**
   * Replaces the text of a live message written by `authorId`, recording `event` (its message.updated)
   * in the same write; null when there is no such message (any more).
   */
  async edit(
    channelId: string,
    messageId: string,
    authorId: string,
    change: { content: string; editedAt: Date; event: PendingEvent },
  ): Promise<MessageDoc | null> {
    const { mentions } = mentionsOf(change.content);
    return this.models.Message.findOneAndUpdate(
      { _id: oid(messageId), channelId: oid(channelId), 'author.id': oid(authorId), ...LIVE },
      {
        $set: { content: change.content, editedAt: change.editedAt, pendingEvent: change.event, ...(mentions ? { mentions } : {}) },
        ...(mentions ? {} : { $unset: { mentions: 1 } }),
      },
      { returnDocument: 'after', projection: NO_OUTBOX },
    )
      .lean<MessageDoc>()
      .exec();
  }

  /**
   * Soft-deletes a live message (text and nonce are dropped), recording `event` (its message.deleted) in
   * the same write; the document as it was, or null if it was not live.
   */
  async softDelete(
    channelId: string,
    messageId: string,
    change: { deletedBy: string; deletedAt: Date; event: PendingEvent },
  ): Promise<MessageDoc | null> {
    return this.models.Message.findOneAndUpdate(
      { _id: oid(messageId), channelId: oid(channelId), ...LIVE },
      {
        $set: { deletedAt: change.deletedAt, deletedBy: oid(change.deletedBy), pendingEvent: change.event },
        $unset: { content: 1, nonce: 1 },
      },
      { returnDocument: 'before', projection: NO_OUTBOX },
    )
      .lean<MessageDoc>()
      .exec();
  }

  /** Clears a published event, unless a newer change has replaced it meanwhile. */
  async clearPendingEvent(channelId: string, messageId: string, eventId: string): Promise<void> {
    await this.models.Message.updateOne(
      { _id: oid(messageId), channelId: oid(channelId), 'pendingEvent.id': eventId },
      { $unset: { pendingEvent: 1 } },
    ).exec();
  }

  /** Events written at or before `olderThan` and still not confirmed by the broker, oldest first. */
  async pendingEvents(olderThan: Date, limit: number): Promise<Array<{ channelId: string; messageId: string; event: PendingEvent }>> {
    const docs = await this.models.Message.find({ 'pendingEvent.at': { $lte: olderThan } }, { _id: 1, channelId: 1, pendingEvent: 1 })
      .sort({ 'pendingEvent.at': 1 })
      .limit(limit)
      .lean<Array<Pick<MessageDoc, '_id' | 'channelId' | 'pendingEvent'>>>()
      .exec();
    return docs.flatMap((d) =>
      d.pendingEvent ? [{ channelId: d.channelId.toHexString(), messageId: d._id.toHexString(), event: d.pendingEvent }] : [],
    );
  }

  /**
   * Stores a batch of new messages with `insertMany(ordered: false)`. Duplicate ids (E11000: redelivery,
   * a message published twice) count as stored. Other per-document errors are returned; anything else
   * (database down, network) is thrown for the caller to retry.
   */
  async insertBatch(docs: MessageDoc[]): Promise<InsertOutcome> {
    if (docs.length === 0) return { inserted: 0, duplicates: 0, rejected: [] };
    try {
      await this.models.Message.collection.insertMany(docs, { ordered: false });
      return { inserted: docs.length, duplicates: 0, rejected: [] };
    } catch (err) {
      const writeErrors = writeErrorsOf(err);
      if (!writeErrors) throw err;
      const rejected = writeErrors
        .filter((w) => w.code !== 11000)
        .map((w) => ({ index: w.index, code: w.code, message: w.errmsg ?? 'write error' }));
      const duplicates = writeErrors.length - rejected.length;
      return { inserted: docs.length - writeErrors.length, duplicates, rejected };
    }
  }

  /** Records deleted channels/servers (idempotent) and removes their messages. */
  async deleteScopes(channelIds: string[], serverIds: string[], at: Date): Promise<number> {
    const tombstones = [
      ...channelIds.map((id) => ({ id, kind: 'channel' as const })),
      ...serverIds.map((id) => ({ id, kind: 'server' as const })),
    ];
    if (tombstones.length === 0) return 0;
    await this.models.ScopeTombstone.bulkWrite(
      tombstones.map((t) => ({
        updateOne: { filter: { _id: oid(t.id) }, update: { $setOnInsert: { kind: t.kind, deletedAt: at } }, upsert: true },
      })),
      { ordered: false },
    );
    if (channelIds.length === 0) return 0;
    const res = await this.models.Message.deleteMany({ channelId: { $in: [...new Set(channelIds)].map(oid) } }).exec();
    return res.deletedCount;
  }

  /**
   * Removes messages just written into channels or servers that are already deleted (a late or
   * redelivered `message.created`). Call after `insertBatch` with the batch's documents.
   */
  async purgeOrphans(docs: Array<Pick<MessageDoc, 'channelId' | 'serverId'>>): Promise<number> {
    if (docs.length === 0) return 0;
    const scopes = new Map<string, Types.ObjectId>();
    for (const d of docs) {
      scopes.set(d.channelId.toHexString(), d.channelId);
      if (d.serverId) scopes.set(d.serverId.toHexString(), d.serverId);
    }
    const dead = await this.models.ScopeTombstone.find({ _id: { $in: [...scopes.values()] } }, { _id: 1 })
      .lean<Array<{ _id: Types.ObjectId }>>()
      .exec();
    if (dead.length === 0) return 0;
    const deadIds = new Set(dead.map((d) => d._id.toHexString()));
    const channels = new Map<string, Types.ObjectId>();
    for (const d of docs) {
      if (deadIds.has(d.channelId.toHexString()) || (d.serverId !== null && deadIds.has(d.serverId.toHexString())))
        channels.set(d.channelId.toHexString(), d.channelId);
    }
    const res = await this.models.Message.deleteMany({ channelId: { $in: [...channels.values()] } }).exec();
    return res.deletedCount;
  }
}
