import { Schema, type Types } from 'mongoose';

export interface MemberDoc {
  _id: Types.ObjectId;
  serverId: Types.ObjectId;
  userId: Types.ObjectId;
  /** Usernames never change, so the member list needs no join with users. */
  username: string;
  joinedAt: Date;
  /** Roles held besides `@everyone` (SPEC 15); absent on memberships older than roles. */
  roleIds?: Types.ObjectId[];
}

export const memberSchema = new Schema<MemberDoc>(
  {
    serverId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    username: { type: String, required: true },
    joinedAt: { type: Date, required: true },
    roleIds: { type: [Schema.Types.ObjectId], default: [] },
  },
  { versionKey: false, collection: 'members' },
);
// One membership per (server, user): decides concurrent joins without transactions; the authz point lookup.
memberSchema.index({ serverId: 1, userId: 1 }, { unique: true });
// Member list in join order (_id grows with insertion).
memberSchema.index({ serverId: 1, _id: 1 });
// A user's servers (`member=@me`).
memberSchema.index({ userId: 1, _id: -1 });
