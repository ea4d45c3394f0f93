import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createRedisClient, redisClusterNodes, type RedisClient, type RedisClientOptions, type RedisTarget } from '@chorus/runtime';
import { dropBrokerNames, dropDatabase, dropRedisKeys } from './drop.js';

/**
 * Per-test-file slices of the real dependencies, so test files (and runs) never see each other's data:
 * a database of their own, a Redis key prefix and a broker name prefix (as a vhost would).
 */
export interface Isolated {
  /** MONGODB_URI naming a fresh database. */
  mongoUri: string;
  redisUrl: string;
  /** REDIS_CLUSTER_NODES of the run (`npm run test:cluster`), or undefined: one Redis at redisUrl. */
  redisClusterNodes: string | undefined;
  /** Where services and tests connect to Redis: REDIS_URL, or the Cluster's seed nodes. */
  redisTarget: RedisTarget;
  /** A Redis client of the run's Redis (a Cluster client under test:cluster); the caller disconnects it. */
  redis(options?: RedisClientOptions): RedisClient;
  amqpUrl: string;
  /** Prefix for every Redis key this test's code writes. */
  redisPrefix: string;
  /** AMQP_PREFIX for the services under test. */
  amqpPrefix: string;
  /** A fresh ES256 key pair, as membership would be given. */
  keys: { privateKey: string; publicKey: string };
  /** Environment for a service process under test. */
  serviceEnv(extra?: Record<string, string>): Record<string, string>;
  /**
   * Drops the database, the Redis keys and the broker queues/exchanges this slice made: the topology's,
   * and `queues` (with their DLQs), the test's own (AMQP cannot list a prefix's queues).
   */
  cleanup(queues?: string[]): Promise<void>;
}

function withDatabase(uri: string, db: string): string {
  const url = new URL(uri);
  url.pathname = `/${db}`;
  return url.toString();
}

export function testKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function isolated(name: string): Isolated {
  const deps = inject('deps');
  const slice = `${deps.runId}_${name.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}_${randomBytes(2).toString('hex')}`;
  const mongoUri = withDatabase(deps.mongoUri, `chorus_${slice}`);
  const redisPrefix = `${slice}:`;
  const amqpPrefix = slice;
  const keys = testKeys();
  const redisClusterNodesVar = process.env.REDIS_CLUSTER_NODES || undefined;
  const redisTarget: RedisTarget = { url: deps.redisUrl, clusterNodes: redisClusterNodes().parse(redisClusterNodesVar) };
  return {
    mongoUri,
    redisUrl: deps.redisUrl,
    redisClusterNodes: redisClusterNodesVar,
    redisTarget,
    redis: (options) => createRedisClient(redisTarget, options),
    amqpUrl: deps.amqpUrl,
    redisPrefix,
    amqpPrefix,
    keys,
    serviceEnv: (extra = {}) => ({
      MONGODB_URI: mongoUri,
      REDIS_URL: deps.redisUrl,
      AMQP_URL: deps.amqpUrl,
      AMQP_PREFIX: amqpPrefix,
      REDIS_PREFIX: redisPrefix,
      ...(redisClusterNodesVar ? { REDIS_CLUSTER_NODES: redisClusterNodesVar } : {}),
      JWT_PRIVATE_KEY: keys.privateKey,
      JWT_PUBLIC_KEY: keys.publicKey,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...extra,
    }),
    cleanup: async (queues = []) => {
      await Promise.allSettled([
        dropDatabase(mongoUri),
        dropRedisKeys(redisTarget, redisPrefix),
        dropBrokerNames(deps.amqpUrl, amqpPrefix, queues),
      ]);
    },
  };
}
