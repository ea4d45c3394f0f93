import { declareMembershipCacheQueue, decodeEnvelope, type TopologyNames } from '@chorus/contracts';
import type { AmqpConnectionManager, ChannelWrapper, ConfirmChannel, Logger } from '@chorus/runtime';
import type { ChannelCache } from './channel-cache.js';

/**
 * Keeps this replica's channel cache honest when another replica deletes a server or channel: listens on
 * its own exclusive queue for server.deleted / channel.deleted (its own deletions arrive too, harmlessly).
 */
export function startCacheInvalidation(deps: {
  connection: AmqpConnectionManager;
  names: TopologyNames;
  instanceId: string;
  cache: ChannelCache;
  logger: Logger;
}): { ready: Promise<void>; stop(): Promise<void> } {
  const { connection, names, instanceId, cache, logger } = deps;
  const channel: ChannelWrapper = connection.createChannel({
    name: 'cache-invalidation',
    confirm: false,
    setup: async (ch: ConfirmChannel) => {
      const queue = await declareMembershipCacheQueue(ch, names, instanceId);
      await ch.prefetch(50);
      await ch.consume(queue, (msg) => {
        if (!msg) return;
        const parsed = decodeEnvelope(msg.content);
        if (!parsed.ok) logger.warn({ reason: parsed.reason }, 'invalid envelope on cache-invalidation queue dropped');
        else if (parsed.envelope.type === 'server.deleted') cache.forgetServer(parsed.envelope.payload.serverId);
        else if (parsed.envelope.type === 'channel.deleted') cache.forgetChannel(parsed.envelope.payload.channelId);
        ch.ack(msg);
      });
    },
  });
  channel.on('error', (err) => logger.warn({ err }, 'cache-invalidation channel error'));
  return { ready: channel.waitForConnect(), stop: () => channel.close() };
}
