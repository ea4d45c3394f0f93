import { Schema, type Types } from 'mongoose';
import type { Permission } from '@chorus/contracts';

/** One channel's override for one role (SPEC 15): applied after the roles, deny before allow. */
export interface OverrideDoc {
  _id: Types.ObjectId;
  serverId: Types.ObjectId;
  channelId: Types.ObjectId;
  roleId: Types.ObjectId;
  allow: Permission[];
  deny: Permission[];
}

export const overrideSchema = new Schema<OverrideDoc>(
  {
    serverId: { type: Schema.Types.ObjectId, required: true },
    channelId: { type: Schema.Types.ObjectId, required: true },
    roleId: { type: Schema.Types.ObjectId, required: true },
    allow: { type: [String], default: [] },
    deny: { type: [String], default: [] },
  },
  { versionKey: false, collection: 'overrides' },
);
// One override per (channel, role): PUT upserts on it; a channel's overrides (authorization) use its prefix.
overrideSchema.index({ channelId: 1, roleId: 1 }, { unique: true });
// A server's overrides (channel lists for read states; deleting a role or a server).
overrideSchema.index({ serverId: 1, roleId: 1 });
