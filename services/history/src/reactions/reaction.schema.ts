import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * One person's reaction: (message, user, emoji). `_id` is `<messageId>:<userId>:<emoji>`, so the primary
 * key itself makes add/remove idempotent under concurrency (a second insert is E11000) on any MongoDB,
 * and "which of these did the caller react with?" is a batch of `_id` point lookups. The message's
 * `reactions` counts are maintained from these documents (reaction.repository.ts).
 */
export interface ReactionDoc {
  _id: string;
  messageId: Types.ObjectId;
  channelId: Types.ObjectId;
  userId: Types.ObjectId;
  emoji: string;
  createdAt: Date;
}

export const reactionId = (messageId: string, userId: string, emoji: string): string => `${messageId}:${userId}:${emoji}`;

export const reactionSchema = new Schema<ReactionDoc>(
  {
    _id: { type: String, required: true },
    messageId: { type: Schema.Types.ObjectId, required: true },
    channelId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    emoji: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'reactions', versionKey: false, autoIndex: false },
);
/** Serves the clean-up when a channel (or its server) is deleted. */
reactionSchema.index({ channelId: 1 }, { name: 'channelId_1' });

export const reactionModel = (conn: Connection): Model<ReactionDoc> =>
  (conn.models.Reaction as Model<ReactionDoc> | undefined) ?? conn.model<ReactionDoc>('Reaction', reactionSchema);
