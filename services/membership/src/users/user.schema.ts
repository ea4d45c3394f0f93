import { Schema, type Types } from 'mongoose';

export interface UserDoc {
  _id: Types.ObjectId;
  /** As registered (display case). */
  username: string;
  /** Lower-cased: the unique key, so usernames are unique case-insensitively (no collation needed). */
  usernameLower: string;
  /** argon2id PHC string. */
  passwordHash: string;
  createdAt: Date;
}

export const userSchema = new Schema<UserDoc>(
  {
    username: { type: String, required: true },
    usernameLower: { type: String, required: true },
    passwordHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'users' },
);
userSchema.index({ usernameLower: 1 }, { unique: true });
