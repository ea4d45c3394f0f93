import { Types } from 'mongoose';
import { AuthzRequest, ChannelListRequest, type AuthzResponse, type ChannelListResponse } from '@chorus/contracts';
import type { Models } from '../db/models.js';
import type { ChannelCache } from './channel-cache.js';
import { listReadableChannels } from './channel-list.js';

export type Authorizer = (raw: unknown) => Promise<AuthzResponse | ChannelListResponse>;

const hasKind = (raw: unknown): boolean => typeof raw === 'object' && raw !== null && 'kind' in raw;
const invalid = (issues: Array<{ path: PropertyKey[]; message: string }>) => ({
  status: 'invalid' as const,
  message: issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
});

/**
 * Requests with a `kind` are channel-list questions (channel-list.ts). The rest answer
 * "may this user read/send in this channel, and which server is it in?" Hot path: the channel
 * comes from the in-process cache; the owner needs no query; anyone else is one point lookup on the
 * unique (serverId, userId) index, projected to _id.
 */
export function createAuthorizer(models: Models, channels: ChannelCache): Authorizer {
  return async (raw) => {
    if (hasKind(raw)) {
      const list = ChannelListRequest.safeParse(raw);
      return list.success ? listReadableChannels(models, list.data) : invalid(list.error.issues);
    }
    const request = AuthzRequest.safeParse(raw);
    if (!request.success) return invalid(request.error.issues);
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
