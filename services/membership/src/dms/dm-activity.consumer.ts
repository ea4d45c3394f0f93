import {
  DM_ACTIVITY_BINDINGS,
  declareWorkQueue,
  presenceKeys,
  workQueueDeliveryLimit,
  type AnyEnvelope,
  type TopologyNames,
} from '@chorus/contracts';
import {
  createConsumer,
  envelopeDecoder,
  type AmqpConnectionManager,
  type Consumer,
  type Delivery,
  type Logger,
  type RedisClient,
} from '@chorus/runtime';
import type { DmService } from './dm.service.js';

export interface DmActivityDeps {
  connection: AmqpConnectionManager;
  names: TopologyNames;
  dms: DmService;
  redis: RedisClient;
  redisPrefix: string;
  logger: Logger;
}

/**
 * `dm.activity` from the gateways (one per DM message), on a durable queue with competing consumers:
 * moves the DM's `lastMessageId` (GET /api/dms order) and records the pair as DM partners in Redis, where
 * the gateways read whom to tell about a user's presence (SPEC 11). Both writes are idempotent, so a
 * redelivery changes nothing; a failure dead-letters the event (the next message of the DM catches up).
 */
export function startDmActivityConsumer(deps: DmActivityDeps): Consumer {
  const keys = presenceKeys(deps.redisPrefix);
  const apply = async ({ value: envelope }: Delivery<AnyEnvelope>) => {
    if (envelope.type !== 'dm.activity') return;
    const {
      channelId,
      messageId,
      recipientIds: [a, b],
    } = envelope.payload;
    await Promise.all([
      deps.dms.recordActivity(channelId, messageId),
      // Two users, two slots (Redis Cluster): two commands, each idempotent.
      deps.redis.sadd(keys.partners(a), b),
      deps.redis.sadd(keys.partners(b), a),
    ]);
  };
  return createConsumer({
    connection: deps.connection,
    name: 'dm-activity',
    logger: deps.logger,
    declare: async (ch) => {
      await declareWorkQueue(ch, deps.names, deps.names.dmActivityQueue, DM_ACTIVITY_BINDINGS);
      return deps.names.dmActivityQueue;
    },
    prefetch: 50,
    decode: envelopeDecoder,
    // A quorum queue counts deliveries: a failed write (MongoDB or Redis away) is tried again, not dropped.
    deliveryLimit: workQueueDeliveryLimit(deps.names.queues, deps.names.dmActivityQueue),
    handle: apply,
  });
}
