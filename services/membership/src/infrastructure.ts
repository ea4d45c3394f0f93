import { declareExchanges, type TopologyNames } from '@chorus/contracts';
import {
  brokerNames,
  connectBroker,
  assertMigrated,
  connectMongo,
  createEventPublisher,
  createRedisClient,
  type RedisClient,
  type AmqpConnectionManager,
  type EventPublisher,
  type Logger,
  type Mongo,
} from '@chorus/runtime';
import type { MembershipConfig } from './config.js';
import { createModels, type Models } from './db/models.js';
import { membershipMigrations } from './db/migrations.js';
import { createEventOutbox, type EventOutbox } from './events/outbox.js';
import { createChangeVerifier } from './events/change-verifier.js';
import type { MembershipEvents } from './events/membership-events.js';
import { createChannelCache, type ChannelCache } from './authz/channel-cache.js';
import { createCategoryRepository } from './categories/category.repository.js';

/** Every connection the service holds, plus what is built directly on them. */
export interface Infrastructure {
  logger: Logger;
  names: TopologyNames;
  mongo: Mongo;
  models: Models;
  redis: RedisClient;
  broker: AmqpConnectionManager;
  publisher: EventPublisher;
  outbox: EventOutbox;
  events: MembershipEvents;
  channelCache: ChannelCache;
  readiness(): Record<string, boolean>;
  /** Resolves once MongoDB (migrated, categories seeded), Redis and the broker are all up. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Opens MongoDB, Redis and RabbitMQ connections (each reconnects by itself). Does not wait for them. */
export function connectInfrastructure(config: MembershipConfig, logger: Logger): Infrastructure {
  const names = brokerNames(config);
  const mongo = connectMongo(config.MONGODB_URI, logger);
  const models = createModels(mongo.conn);
  // No offline queue: while Redis is down, login fails fast with 503 instead of hanging.
  const redis = createRedisClient(
    { url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES },
    { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'membership' },
  );
  redis.on('error', (err: Error) => logger.warn({ redis: 'down', err }, 'redis error'));
  redis.on('ready', () => logger.info({ redis: 'up' }, 'redis ready'));
  const broker = connectBroker(config.AMQP_URL, logger, `membership:${config.INSTANCE_ID}`);
  const publisher = createEventPublisher({ connection: broker, names, logger, setup: (ch) => declareExchanges(ch, names) });
  const channelCache = createChannelCache(models, { ttlMs: config.CHANNEL_CACHE_TTL_MS, maxEntries: config.CHANNEL_CACHE_MAX_ENTRIES });
  const verify = createChangeVerifier({ models, channelCache, logger });
  const outbox = createEventOutbox({ models, publisher, verify, logger, retryMs: config.OUTBOX_RETRY_MS });

  let mongoPrepared = false;
  const mongoReady = mongo.ready.then(async () => {
    // Indexes come from the migrate step, not from every start; unique ones decide races, so without them: refuse.
    await assertMigrated(mongo.conn, membershipMigrations(models), 'membership');
    await createCategoryRepository(models).seed();
    mongoPrepared = true;
  });
  const redisReady = new Promise<void>((resolve) => {
    if (redis.status === 'ready') resolve();
    else redis.once('ready', () => resolve());
  });
  const brokerReady = new Promise<void>((resolve) => {
    if (broker.isConnected()) resolve();
    else broker.once('connect', () => resolve());
  });

  return {
    logger,
    names,
    mongo,
    models,
    redis,
    broker,
    publisher,
    outbox,
    events: outbox,
    channelCache,
    readiness: () => ({ mongodb: mongoPrepared && mongo.isUp(), redis: redis.status === 'ready', broker: broker.isConnected() }),
    ready: Promise.all([mongoReady, redisReady, brokerReady]).then(() => undefined),
    async close() {
      await outbox.stop();
      await publisher.close().catch(() => undefined);
      await broker.close().catch(() => undefined);
      redis.disconnect();
      await mongo.close().catch(() => undefined);
    },
  };
}
