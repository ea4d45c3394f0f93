import type { Request } from 'express';
import {
  createRedisClient,
  createRestWriteLimiter,
  createUserLimiter,
  type Logger,
  type RedisClient,
  type UserLimiter,
} from '@chorus/runtime';
import type { HistoryConfig } from '../config.js';

/** The REST write budgets history spends (SPEC 3), on its own Redis connection. */
export interface WriteLimits {
  /** Edits, deletes, reactions: the user's fleet-wide budget, the very one membership's writes spend. */
  restWrites: UserLimiter;
  /** Read-position PUTs: a budget of their own (services/history/README.md, "REST write limit"). */
  readStateWrites: UserLimiter;
  redis: RedisClient;
  /** Resolves once Redis answered the first time. */
  ready: Promise<void>;
  close(): void;
}

/** `PUT /api/channels/:channelId/read`, as app.ts mounts it. */
const READ_STATE_PUT = /^\/api\/channels\/[^/]+\/read\/?$/i;

/** Which budget a write spends: read positions their own, everything else the shared one. */
export function budgetOf(limits: Pick<WriteLimits, 'restWrites' | 'readStateWrites'>): (req: Request) => UserLimiter {
  return (req) =>
    req.method === 'PUT' && READ_STATE_PUT.test(req.originalUrl.split('?')[0]!) ? limits.readStateWrites : limits.restWrites;
}

/** Opens the Redis connection (reconnects by itself; does not wait) and builds both budgets on it. */
export function connectWriteLimits(config: HistoryConfig, logger: Logger): WriteLimits {
  // No offline queue: while Redis is down a write fails fast with 503 instead of hanging.
  const redis = createRedisClient(
    { url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES },
    { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'history' },
  );
  redis.on('error', (err: Error) => logger.warn({ redis: 'down', err }, 'redis error'));
  redis.on('ready', () => logger.info({ redis: 'up' }, 'redis ready'));
  const ready = new Promise<void>((resolve) => {
    if (redis.status === 'ready') resolve();
    else redis.once('ready', () => resolve());
  });
  return {
    restWrites: createRestWriteLimiter(redis, config.REDIS_PREFIX, {
      points: config.REST_WRITES_PER_WINDOW,
      windowSeconds: config.REST_WRITES_WINDOW_SECONDS,
    }),
    readStateWrites: createUserLimiter(redis, `${config.REDIS_PREFIX}rest:read-state`, {
      points: config.READ_STATE_WRITES_PER_WINDOW,
      windowSeconds: config.READ_STATE_WRITES_WINDOW_SECONDS,
    }),
    redis,
    ready,
    close: () => redis.disconnect(),
  };
}
