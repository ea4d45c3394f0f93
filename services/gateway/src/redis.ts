import { createShardedAdapter } from '@socket.io/redis-adapter';
import type { ServerOptions } from 'socket.io';
import { createRedisClient, duplicateRedisClient, isRedisCluster, type Logger, type RedisClient, type RedisTarget } from '@chorus/runtime';

export interface RedisClients {
  /** Commands (send admission, typing) and the adapter's publishes. Fails fast while Redis is down. */
  redis: RedisClient;
  /** The adapter's subscriber: `redis.duplicate()`, never used for anything else. */
  sub: RedisClient;
}

/**
 * The two Redis connections of a gateway. The subscriber waits out outages (its subscriptions are
 * replayed by ioredis on reconnect); the command client fails fast so a send answers UNAVAILABLE
 * instead of hanging. Neither can crash the process: errors are logged, and the adapter's fire-and-forget
 * SSUBSCRIBE/SUNSUBSCRIBE calls are given a rejection handler.
 */
export function createRedisClients(target: RedisTarget | string, logger: Logger, name: string): RedisClients {
  const retryStrategy = (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000);
  const redis = createRedisClient(typeof target === 'string' ? { url: target } : target, {
    connectionName: `${name}:cmd`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy,
  });
  const sub = duplicateRedisClient(redis, {
    connectionName: `${name}:sub`,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    retryStrategy,
  });
  for (const [role, client] of [
    ['command', redis],
    ['subscriber', sub],
  ] as const) {
    client.on('error', (err: Error) => logger.warn({ redis: role, err }, 'redis error'));
    client.on('ready', () => logger.info({ redis: role }, 'redis ready'));
    client.on('end', () => logger.info({ redis: role }, 'redis connection ended'));
  }
  guardSubscriptions(sub, logger);
  if (isRedisCluster(sub)) {
    // A Cluster's sharded subscribers (one connection per master) come up after the Cluster itself is
    // ready: redisReady(sub) also waits for them (bounded, so a slow node never blocks start-up).
    shardedReady.set(
      sub,
      new Promise<void>((resolve) => {
        sub.once('subscribersReady', () => resolve());
        setTimeout(resolve, 5_000).unref();
      }),
    );
  }
  return { redis, sub };
}

type SubscriptionCall = (...channels: string[]) => Promise<unknown>;

function guardSubscriptions(sub: RedisClient, logger: Logger): void {
  const ssubscribe = sub.ssubscribe.bind(sub) as SubscriptionCall;
  const sunsubscribe = sub.sunsubscribe.bind(sub) as SubscriptionCall;
  const guard =
    (call: SubscriptionCall, what: string): SubscriptionCall =>
    (...channels) =>
      call(...channels).catch((err: unknown) => {
        logger.warn({ err, channels: channels.length }, `redis ${what} failed`);
        return 0;
      });
  Object.assign(sub, { ssubscribe: guard(ssubscribe, 'SSUBSCRIBE'), sunsubscribe: guard(sunsubscribe, 'SUNSUBSCRIBE') });
}

/**
 * Socket.IO rooms shared by the fleet over Redis 7 sharded pub/sub (SPUBLISH/SSUBSCRIBE). `dynamic`
 * subscription mode gives each room its own shard channel, so a gateway only receives broadcasts for rooms
 * it has sockets in. Channel names live under REDIS_PREFIX.
 */
export function createRoomsAdapter(clients: RedisClients, prefix: string): ServerOptions['adapter'] {
  return createShardedAdapter(clients.redis, clients.sub, { channelPrefix: roomsChannelPrefix(prefix), subscriptionMode: 'dynamic' });
}

/** The adapter's channel prefix: the send script publishes `message:created` on the same shard channels. */
export const roomsChannelPrefix = (prefix: string): string => `${prefix}socket.io`;

const shardedReady = new WeakMap<RedisClient, Promise<void>>();

/** Resolves when the client is ready (or at once if it already is); a Cluster subscriber, once its sharded subscribers are too. */
export async function redisReady(client: RedisClient): Promise<void> {
  if (client.status !== 'ready') await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  await shardedReady.get(client);
}
