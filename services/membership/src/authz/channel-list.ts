import { Types } from 'mongoose';
import type { ChannelListRequest, ChannelListResponse } from '@chorus/contracts';
import type { Models } from '../db/models.js';

/**
 * "Which channels may this user read?" (the `server-channels` / `dm-channels` RPC kinds, for history's
 * read states). A server's channels in creation order (as `GET /api/servers/:id` lists them) for its
 * owner or a member — every channel, until roles add READ_HISTORY overrides (then they are filtered
 * here, in the one place that decides). Three small reads: the server (owner), the membership (unique
 * index) and the channels (`serverId` index).
 */
export async function listReadableChannels(models: Models, request: ChannelListRequest): Promise<ChannelListResponse> {
  // No DM channels exist in membership yet (SPEC 10 adds them): the list is empty until then.
  if (request.kind === 'dm-channels') return { status: 'allowed', serverId: null, channels: [] };
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
