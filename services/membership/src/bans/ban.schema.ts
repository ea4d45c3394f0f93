import { Schema, type Types } from 'mongoose';

/** A ban (SPEC 15): the user may not join the server by any path until it is lifted. */
export interface BanDoc {
  _id: Types.ObjectId;
  serverId: Types.ObjectId;
  userId: Types.ObjectId;
  /** The banned user's username (usernames never change), so the list needs no join. */
  username: string;
  reason: string | null;
  bannedBy: Types.ObjectId;
  createdAt: Date;
}

export const banSchema = new Schema<BanDoc>(
  {
    serverId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    username: { type: String, required: true },
    reason: { type: String, default: null },
    bannedBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'bans' },
);
// One ban per (server, user): the join path's point lookup; PUT upserts on it.
banSchema.index({ serverId: 1, userId: 1 }, { unique: true });
// The ban list, newest first.
banSchema.index({ serverId: 1, _id: -1 });
