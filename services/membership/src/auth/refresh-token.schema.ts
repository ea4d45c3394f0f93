import { Schema, type Types } from 'mongoose';

/**
 * One refresh token of a family (a login session). Only the sha256 of the token is stored.
 * Rotation marks the presented token used and issues the next one in the same family.
 */
export interface RefreshTokenDoc {
  _id: Types.ObjectId;
  familyId: Types.ObjectId;
  userId: Types.ObjectId;
  tokenHash: string;
  usedAt: Date | null;
  expiresAt: Date;
}

/** A login session; revoking it (logout, reuse of a used token) kills every token in it. */
export interface TokenFamilyDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  revokedAt: Date | null;
  createdAt: Date;
  /** Pushed forward on every rotation; the document expires with its last token. */
  expiresAt: Date;
}

export const refreshTokenSchema = new Schema<RefreshTokenDoc>(
  {
    familyId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    tokenHash: { type: String, required: true },
    usedAt: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'refresh_tokens' },
);
refreshTokenSchema.index({ tokenHash: 1 }, { unique: true });
refreshTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const tokenFamilySchema = new Schema<TokenFamilyDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    revokedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'token_families' },
);
tokenFamilySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
