import { Schema, type Types } from 'mongoose';

export interface ChannelDoc {
  _id: Types.ObjectId;
  serverId: Types.ObjectId;
  name: string;
  topic: string;
  createdAt: Date;
}

export const channelSchema = new Schema<ChannelDoc>(
  {
    serverId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    topic: { type: String, default: '' },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'channels' },
);
// A server's channels in creation order; deleting a server's channels.
channelSchema.index({ serverId: 1, _id: 1 });
