import { Schema, type Types } from 'mongoose';
import type { Permission } from '@chorus/contracts';

/**
 * A server role (SPEC 15). `@everyone` is the role whose `_id` is the server id; until someone edits it
 * there is no document for it and it grants DEFAULT_EVERYONE_PERMISSIONS (permissions/permission-data.ts).
 */
export interface RoleDoc {
  _id: Types.ObjectId;
  serverId: Types.ObjectId;
  name: string;
  permissions: Permission[];
  /** 0 for `@everyone`, 1..rolePositionMax otherwise; higher outranks lower. */
  position: number;
  createdAt: Date;
}

export const roleSchema = new Schema<RoleDoc>(
  {
    serverId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    permissions: { type: [String], default: [] },
    position: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'roles' },
);
// A server's roles (every permission computation reads them all; a server has at most a few hundred).
roleSchema.index({ serverId: 1, position: -1 });
