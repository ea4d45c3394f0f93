import { Types } from 'mongoose';
import type { AnyEnvelope } from '@chorus/contracts';
import type { Logger } from '@chorus/runtime';
import type { ChannelCache } from '../authz/channel-cache.js';
import type { Models } from '../db/models.js';
import type { ChangeVerifier } from './outbox.js';
import { deleteServerContents } from '../servers/server-contents.js';

/**
 * Judges, from the domain state, whether the change behind an unconfirmed outbox record took effect
 * (the relay publishes it) or never happened (the relay drops it). A server whose deletion stopped
 * half way (its document gone, channels or memberships left) is finished here first.
 *
 * A later change can mask an earlier one: a member who left and re-joined before the relay looked
 * makes the member.left look like it never happened. Dropping it is then right for every consumer,
 * since the user is a member again.
 */
export function createChangeVerifier(deps: { models: Models; channelCache: ChannelCache; logger: Logger }): ChangeVerifier {
  const { models, channelCache, logger } = deps;
  const oid = (id: string) => new Types.ObjectId(id);
  const isMember = async (serverId: string, userId: string) =>
    (await models.Member.exists({ serverId: oid(serverId), userId: oid(userId) })) !== null;

  return async (envelope: AnyEnvelope): Promise<boolean> => {
    switch (envelope.type) {
      case 'member.joined':
        return isMember(envelope.payload.serverId, envelope.payload.userId);
      case 'member.left':
      case 'member.kicked':
        return !(await isMember(envelope.payload.serverId, envelope.payload.userId));
      case 'member.banned':
        return (
          (await models.Ban.exists({ serverId: oid(envelope.payload.serverId), userId: oid(envelope.payload.userId) })) !== null &&
          !(await isMember(envelope.payload.serverId, envelope.payload.userId))
        );
      case 'channel.deleted':
        return (await models.Channel.exists({ _id: oid(envelope.payload.channelId) })) === null;
      case 'server.deleted': {
        const serverId = oid(envelope.payload.serverId);
        if ((await models.Server.exists({ _id: serverId })) !== null) return false;
        const { channels, members } = await deleteServerContents(models, serverId);
        channelCache.forgetServer(envelope.payload.serverId);
        if (channels > 0 || members > 0) {
          logger.warn({ serverId: envelope.payload.serverId, channels, members }, 'finished a server deletion that stopped half way');
        }
        return true;
      }
      default:
        // Not a membership change (or a permission change: role.changed, override.changed, member.updated,
        // which only make consumers drop caches — harmless if the change did not happen): published as recorded.
        return true;
    }
  };
}
