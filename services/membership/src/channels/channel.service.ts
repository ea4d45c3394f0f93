import { Types } from 'mongoose';
import type { AuthenticatedUser, Channel, CreateChannelRequest, UpdateChannelRequest } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import type { Models } from '../db/models.js';
import { membershipEvent, type MembershipEvents } from '../events/membership-events.js';
import type { ChannelCache } from '../authz/channel-cache.js';
import { createPermissionChecker } from '../permissions/permission-checker.js';
import { CHANNEL_PROJECTION, toChannel } from '../servers/server.dto.js';
import { assertChannelSlot, type Quotas } from '../quotas/quotas.js';

export interface ChannelService {
  create(serverId: string, user: AuthenticatedUser, input: CreateChannelRequest): Promise<Channel>;
  update(serverId: string, channelId: string, user: AuthenticatedUser, patch: UpdateChannelRequest): Promise<Channel>;
  remove(serverId: string, channelId: string, user: AuthenticatedUser, correlationId?: string): Promise<void>;
}

const channelNotFound = () => new AppError('NOT_FOUND', 'Channel not found');

/** Channels of a server; every change needs MANAGE_CHANNELS (SPEC 15). Channel names need not be unique. */
export function createChannelService(deps: {
  models: Models;
  events: MembershipEvents;
  channelCache: ChannelCache;
  quotas: Quotas;
}): ChannelService {
  const { models, events, channelCache, quotas } = deps;
  const permissions = createPermissionChecker(models);
  const manage = (serverId: string, user: AuthenticatedUser) => permissions.requirePermission(serverId, user.id, 'MANAGE_CHANNELS');
  return {
    /** The quota is a count before the insert: concurrent creates in one server may pass it by a few (bounded by the write rate limit). */
    async create(serverId, user, input) {
      await manage(serverId, user);
      await assertChannelSlot(models, quotas, serverId);
      const [doc] = await models.Channel.create([
        { serverId: new Types.ObjectId(serverId), name: input.name, topic: input.topic ?? '', createdAt: new Date() },
      ]);
      if (!doc) throw new Error('channel not created');
      return toChannel(doc);
    },

    async update(serverId, channelId, user, patch) {
      await manage(serverId, user);
      const set: Record<string, string> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.topic !== undefined) set.topic = patch.topic;
      const doc = await models.Channel.findOneAndUpdate(
        { _id: new Types.ObjectId(channelId), serverId: new Types.ObjectId(serverId) },
        { $set: set },
        { returnDocument: 'after', projection: CHANNEL_PROJECTION },
      ).lean();
      if (!doc) throw channelNotFound();
      channelCache.forgetChannel(channelId);
      return toChannel(doc);
    },

    async remove(serverId, channelId, user, correlationId) {
      await manage(serverId, user);
      await events.record(membershipEvent.channelDeleted(serverId, channelId, correlationId), async () => {
        const gone = await models.Channel.deleteOne({ _id: new Types.ObjectId(channelId), serverId: new Types.ObjectId(serverId) });
        if (gone.deletedCount !== 1) throw channelNotFound();
        channelCache.forgetChannel(channelId);
        await models.Override.deleteMany({ channelId: new Types.ObjectId(channelId) });
      });
    },
  };
}
