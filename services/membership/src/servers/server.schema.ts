import { Schema, type Types } from 'mongoose';

export interface ServerDoc {
  _id: Types.ObjectId;
  name: string;
  description: string;
  /** Category name as seeded (canonical case), or null. */
  category: string | null;
  ownerId: Types.ObjectId;
  /** Kept with $inc on join/leave; the unique (serverId, userId) index makes each change happen once. */
  memberCount: number;
  createdAt: Date;
  /** SPEC 14. Servers written before visibility existed have none and are public. */
  visibility?: 'public' | 'private';
}

export const serverSchema = new Schema<ServerDoc>(
  {
    name: { type: String, required: true },
    description: { type: String, default: '' },
    category: { type: String, default: null },
    ownerId: { type: Schema.Types.ObjectId, required: true },
    memberCount: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
    visibility: { type: String, enum: ['public', 'private'], default: 'public' },
  },
  { versionKey: false, collection: 'servers' },
);
// Explore by category, newest first (plain explore and `q` use the _id index).
serverSchema.index({ category: 1, _id: -1 });
