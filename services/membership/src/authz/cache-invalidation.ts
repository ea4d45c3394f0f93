import { declareMembershipCacheQueue, type AnyEnvelope, type TopologyNames } from '@chorus/contracts';
import { createConsumer, envelopeDecoder, type AmqpConnectionManager, type Consumer, type Delivery, type Logger } from '@chorus/runtime';
import type { ChannelCache } from './channel-cache.js';

export interface CacheInvalidationDeps {
  connection: AmqpConnectionManager;
  names: TopologyNames;
  instanceId: string;
  cache: ChannelCache;
  logger: Logger;
}

/**
 * Keeps this replica's channel cache honest when another replica deletes a server or channel: listens on
 * its own exclusive queue for server.deleted / channel.deleted (its own deletions arrive too, harmlessly).
 * The queue has no dead-letter queue: an invalid envelope is logged and dropped (the same event reaches
 * the gateways' queues, which keep it).
 */
export function startCacheInvalidation(deps: CacheInvalidationDeps): Consumer {
  const { cache } = deps;
  const forget = ({ value: envelope }: Delivery<AnyEnvelope>) => {
    if (envelope.type === 'server.deleted') cache.forgetServer(envelope.payload.serverId);
    else if (envelope.type === 'channel.deleted') cache.forgetChannel(envelope.payload.channelId);
  };
  return createConsumer({
    connection: deps.connection,
    name: 'cache-invalidation',
    logger: deps.logger,
    declare: (ch) => declareMembershipCacheQueue(ch, deps.names, deps.instanceId),
    prefetch: 50,
    decode: envelopeDecoder,
    handle: forget,
  });
}
