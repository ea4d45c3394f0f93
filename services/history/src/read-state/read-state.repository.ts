import { Types, type AnyBulkWriteOperation, type Connection, type Model } from 'mongoose';
import { readStateId, readStateModel, type ReadStateDoc } from './read-state.schema.js';

const oid = (hex: string) => new Types.ObjectId(hex);

export interface ReadMark {
  userId: string;
  channelId: string;
  messageId: string;
}

/** Read positions: `$max` upserts by `_id` (never backwards, whatever the order of concurrent writes). */
export class ReadStateRepository {
  private readonly states: Model<ReadStateDoc>;

  constructor(conn: Connection) {
    this.states = readStateModel(conn);
  }

  /** Moves the position forward to `messageId`; false when it already was there or beyond (a no-op). */
  async markRead(mark: ReadMark): Promise<boolean> {
    const res = await this.states.collection.updateOne(...this.upsert(mark));
    return res.upsertedCount > 0 || res.modifiedCount > 0;
  }

  /** The same for many marks at once (the consumer: authors' own sends), one unordered bulk write. */
  async markReadMany(marks: ReadMark[]): Promise<void> {
    if (marks.length === 0) return;
    const ops = marks.map((mark) => {
      const [filter, update] = this.upsert(mark);
      return { updateOne: { filter, update, upsert: true } } as AnyBulkWriteOperation<ReadStateDoc>;
    });
    await this.states.bulkWrite(ops, { ordered: false });
  }

  /** lastReadId by channel, for these channels (point lookups on `_id`). */
  async positions(userId: string, channelIds: string[]): Promise<Map<string, Types.ObjectId>> {
    if (channelIds.length === 0) return new Map();
    const docs = await this.states.collection
      .find({ _id: { $in: channelIds.map((c) => readStateId(userId, c)) } } as never, { projection: { channelId: 1, lastReadId: 1 } })
      .toArray();
    return new Map(docs.map((d) => [(d.channelId as Types.ObjectId).toHexString(), d.lastReadId as Types.ObjectId]));
  }

  async deleteChannels(channelIds: string[]): Promise<void> {
    if (channelIds.length > 0) await this.states.collection.deleteMany({ channelId: { $in: channelIds.map(oid) } });
  }

  private upsert({ userId, channelId, messageId }: ReadMark) {
    return [
      { _id: readStateId(userId, channelId) } as never,
      { $max: { lastReadId: oid(messageId) }, $setOnInsert: { userId: oid(userId), channelId: oid(channelId) } },
      { upsert: true },
    ] as const;
  }
}
