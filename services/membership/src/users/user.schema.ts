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
  /** SPEC 10. Absent on accounts made before profiles existed: read as the username / null / "". */
  displayName?: string;
  /** Lower-cased displayName: the people search's prefix key. */
  displayNameLower?: string;
  avatarUrl?: string | null;
  bio?: string;
}

export const userSchema = new Schema<UserDoc>(
  {
    username: { type: String, required: true },
    usernameLower: { type: String, required: true },
    passwordHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    displayName: { type: String },
    displayNameLower: { type: String },
    avatarUrl: { type: String, default: null },
    bio: { type: String, default: '' },
  },
  { versionKey: false, collection: 'users' },
);
userSchema.index({ usernameLower: 1 }, { unique: true });
// People search: an anchored prefix is a range scan on each of these two indexes (never a collection scan).
userSchema.index({ displayNameLower: 1 });
