import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A user's read position in one channel (SPEC 13). `_id` is `<userId>:<channelId>`: one document per
 * pair by construction, and a server's read states are `_id` point lookups (O(channels)). `lastReadId`
 * only ever grows: every write is `$max` (ObjectIds compare by their bytes, i.e. in message id order).
 */
export interface ReadStateDoc {
  _id: string;
  userId: Types.ObjectId;
  channelId: Types.ObjectId;
  lastReadId: Types.ObjectId;
}

export const readStateId = (userId: string, channelId: string): string => `${userId}:${channelId}`;

export const readStateSchema = new Schema<ReadStateDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    channelId: { type: Schema.Types.ObjectId, required: true },
    lastReadId: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'read_states', versionKey: false, autoIndex: false },
);
/** Serves the clean-up when a channel (or its server) is deleted. */
readStateSchema.index({ channelId: 1 }, { name: 'channelId_1' });

export const readStateModel = (conn: Connection): Model<ReadStateDoc> =>
  (conn.models.ReadState as Model<ReadStateDoc> | undefined) ?? conn.model<ReadStateDoc>('ReadState', readStateSchema);
