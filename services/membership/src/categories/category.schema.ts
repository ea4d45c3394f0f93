import { Schema, type Types } from 'mongoose';

export interface CategoryDoc {
  _id: Types.ObjectId;
  name: string;
  nameLower: string;
  description: string;
  /** Display order. */
  position: number;
}

export const categorySchema = new Schema<CategoryDoc>(
  {
    name: { type: String, required: true },
    nameLower: { type: String, required: true },
    description: { type: String, default: '' },
    position: { type: Number, default: 0 },
  },
  { versionKey: false, collection: 'categories' },
);
categorySchema.index({ nameLower: 1 }, { unique: true });
