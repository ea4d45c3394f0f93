import { Types } from 'mongoose';
import { AuthzRequest, type AuthzResponse } from '@chorus/contracts';
import type { Models } from '../db/models.js';
import type { ChannelCache } from './channel-cache.js';

export type Authorizer = (raw: unknown) => Promise<AuthzResponse>;

/**
 * Answers "may this user read/send in this channel, and which server is it in?" Hot path: the channel
 * comes from the in-process cache; the owner needs no query; anyone else is one point lookup on the
 * unique (serverId, userId) index, projected to _id.
 */
export function createAuthorizer(models: Models, channels: ChannelCache): Authorizer {
  return async (raw) => {
    const request = AuthzRequest.safeParse(raw);
    if (!request.success) {
      return { status: 'invalid', message: request.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ') };
    }
    const { userId, channelId } = request.data;
    const info = await channels.get(channelId);
    if (!info) return { status: 'not_found' };
    const channel = { id: info.id, serverId: info.serverId, name: info.name };
    if (info.ownerId === userId) return { status: 'allowed', channel, role: 'owner' };
    // The driver directly: no mongoose query building or casting on the hot path (ids are already valid).
    const member = await models.Member.collection.findOne(
      { serverId: new Types.ObjectId(info.serverId), userId: new Types.ObjectId(userId) },
      { projection: { _id: 1 } },
    );
    return member ? { status: 'allowed', channel, role: 'member' } : { status: 'not_member', channel };
  };
}
