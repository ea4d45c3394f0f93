import { Schema, type Types } from 'mongoose';

/**
 * A direct-message channel: exactly two users, one per pair. `pairKey` (the two ids sorted, joined by
 * ':') is unique, so concurrent opens from both sides insert once and the loser reads the winner's.
 */
export interface DmDoc {
  _id: Types.ObjectId;
  pairKey: string;
  userIds: [Types.ObjectId, Types.ObjectId];
  createdAt: Date;
  /** The newest message (from `dm.activity`); null until the first one. */
  lastMessageId: Types.ObjectId | null;
  /** When it was opened, then the time of its newest message: GET /api/dms order. */
  lastActivityAt: Date;
}

export const dmSchema = new Schema<DmDoc>(
  {
    pairKey: { type: String, required: true },
    userIds: { type: [Schema.Types.ObjectId], required: true },
    createdAt: { type: Date, required: true },
    lastMessageId: { type: Schema.Types.ObjectId, default: null },
    lastActivityAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'dms' },
);
dmSchema.index({ pairKey: 1 }, { unique: true });
// A user's DMs, newest activity first (multikey on the two ids).
dmSchema.index({ userIds: 1, lastActivityAt: -1 });

export const pairKeyOf = (a: string, b: string): string => (a < b ? `${a}:${b}` : `${b}:${a}`);
