import { Types } from 'mongoose';
import type { ChannelListRequest, ChannelListResponse } from '@chorus/contracts';
import type { Models } from '../db/models.js';

/**
 * "Which channels may this user read?" (the `server-channels` / `dm-channels` RPC kinds, for history's
 * read states). A server's channels in creation order (as `GET /api/servers/:id` lists them) for its
 * owner or a member — every channel, until roles add READ_HISTORY overrides (then they are filtered
 * here, in the one place that decides). Three small reads: the server (owner), the membership (unique
 * index) and the channels (`serverId` index). A user's DMs (SPEC 10) are one read on the `userIds` index.
 */
export async function listReadableChannels(models: Models, request: ChannelListRequest): Promise<ChannelListResponse> {
  if (request.kind === 'dm-channels') return listDmChannels(models, request.userId);
  const serverId = new Types.ObjectId(request.serverId);
  const userId = new Types.ObjectId(request.userId);
  const server = await models.Server.collection.findOne({ _id: serverId }, { projection: { ownerId: 1 } });
  if (!server) return { status: 'not_found' };
  if (!(server.ownerId as Types.ObjectId).equals(userId)) {
    const member = await models.Member.collection.findOne({ serverId, userId }, { projection: { _id: 1 } });
    if (!member) return { status: 'not_member' };
  }
  const channels = await models.Channel.collection
    .find({ serverId }, { projection: { name: 1 } })
    .sort({ _id: 1 })
    .toArray();
  return {
    status: 'allowed',
    serverId: request.serverId,
    channels: channels.map((c) => ({ id: (c._id as Types.ObjectId).toHexString(), name: String(c.name) })),
  };
}

/** The caller's DM channels, most recently active first (a DM's channel id is its own id; its name is `dm`). */
async function listDmChannels(models: Models, userId: string): Promise<ChannelListResponse> {
  const dms = await models.Dm.collection
    .find({ userIds: new Types.ObjectId(userId) }, { projection: { _id: 1 } })
    .sort({ lastActivityAt: -1 })
    .toArray();
  return { status: 'allowed', serverId: null, channels: dms.map((d) => ({ id: (d._id as Types.ObjectId).toHexString(), name: 'dm' })) };
}
