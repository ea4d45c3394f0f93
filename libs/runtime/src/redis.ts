import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { z } from 'zod';

/**
 * A Redis connection: one node (`Redis`) or a Redis Cluster (`Cluster`). Every Chorus key and script is
 * laid out so the two behave the same (hash tags: see the gateway README, "Redis keys and the Cluster").
 */
export type RedisClient = Redis | Cluster;

export interface RedisNode {
  host: string;
  port: number;
}

/**
 * `REDIS_CLUSTER_NODES=host:port,host:port,...`: when set, services connect to a Redis Cluster through
 * these seed nodes (the rest are discovered) and REDIS_URL only gives credentials and TLS (`rediss:`).
 */
export const redisClusterNodes = () =>
  z
    .string()
    .optional()
    .transform((value, ctx): RedisNode[] | undefined => {
      if (!value?.trim()) return undefined;
      const nodes: RedisNode[] = [];
      for (const part of value.split(',')) {
        const match = /^\s*([A-Za-z0-9_.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\s*$/.exec(part);
        const port = Number(match?.[2]);
        if (!match || port < 1 || port > 65535) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not host:port (a comma-separated list of cluster seed nodes)` });
          return z.NEVER;
        }
        nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
      }
      return nodes;
    });

export interface RedisTarget {
  url: string;
  clusterNodes?: readonly RedisNode[] | undefined;
}

/** Connection options that mean the same on a node and on a Cluster. */
export type RedisClientOptions = Pick<
  RedisOptions,
  'connectionName' | 'enableOfflineQueue' | 'maxRetriesPerRequest' | 'retryStrategy' | 'lazyConnect'
>;

function credentials(url: string): RedisOptions {
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * A `Redis` for REDIS_URL, or a `Cluster` over REDIS_CLUSTER_NODES. The Cluster is built with
 * `shardedSubscribers` (ioredis ≥ 5.9): SSUBSCRIBE goes to the node that owns each shard channel's slot,
 * and `smessage`/`smessageBuffer` are emitted on the Cluster itself, as the sharded Socket.IO adapter expects.
 */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions = {}): RedisClient {
  if (!target.clusterNodes?.length) return new Redis(target.url, options);
  const { enableOfflineQueue, retryStrategy, lazyConnect, ...perNode } = options;
  const clusterOptions: ClusterOptions = {
    redisOptions: { ...credentials(target.url), ...perNode },
    shardedSubscribers: true,
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
  };
  return new Cluster([...target.clusterNodes], clusterOptions);
}

/** A second connection to the same Redis (the adapter's subscriber: never the command connection). */
export function duplicateRedisClient(client: RedisClient, options: RedisClientOptions = {}): RedisClient {
  if (!(client instanceof Cluster)) return client.duplicate(options);
  const { enableOfflineQueue, retryStrategy, lazyConnect, ...perNode } = options;
  return client.duplicate(undefined, {
    redisOptions: { ...client.options.redisOptions, ...perNode },
    shardedSubscribers: true,
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
  });
}

export const isRedisCluster = (client: RedisClient): client is Cluster => client instanceof Cluster;
