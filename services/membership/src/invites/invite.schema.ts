import { Schema, type Types } from 'mongoose';

export interface InviteDoc {
  _id: Types.ObjectId;
  /** 12 base64url characters from crypto.randomBytes (72 bits): not guessable, safe in a URL. */
  code: string;
  serverId: Types.ObjectId;
  inviterId: Types.ObjectId;
  /** Redemptions so far; moved only by the conditional `$inc` of a redemption (and given back when its join fails). */
  uses: number;
  /** null = unlimited. */
  maxUses: number | null;
  expiresAt: Date;
  createdAt: Date;
}

export const inviteSchema = new Schema<InviteDoc>(
  {
    code: { type: String, required: true },
    serverId: { type: Schema.Types.ObjectId, required: true },
    inviterId: { type: Schema.Types.ObjectId, required: true },
    uses: { type: Number, default: 0 },
    maxUses: { type: Number, default: null },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'invites' },
);
// Preview, redeem and revoke look an invite up by its code; a colliding code is an E11000 and is drawn again.
inviteSchema.index({ code: 1 }, { unique: true });
// A server's invites, newest first (the list), and deleting them with the server.
inviteSchema.index({ serverId: 1, _id: -1 });
// Real MongoDB drops expired invites by itself; expiry is still checked in code (mongo-java-server never deletes).
inviteSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
