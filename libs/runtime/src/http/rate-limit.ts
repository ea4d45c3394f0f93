import type { Request, RequestHandler } from 'express';
import type { Cluster, Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { LIMITS } from '@chorus/contracts';
import { env } from '../config.js';
import { AppError } from './app-error.js';
import { currentUser } from './auth.js';

/** The Redis a limiter counts in: one node or a Cluster (every limiter key is a single key). */
export type RateLimitStore = Redis | Cluster;

/**
 * Takes one point from `limiter` for `key`: undefined when it was there, else how long until the next
 * one frees up. A Redis failure is UNAVAILABLE (503), never a silent pass: a limit that fails open is
 * no limit during exactly the outage an attacker would pick.
 */
export async function takePoint(limiter: RateLimiterRedis, key: string, unavailable: string): Promise<number | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (res) {
    if (res instanceof RateLimiterRes) return res.msBeforeNext;
    throw new AppError('UNAVAILABLE', unavailable);
  }
}

/** A fleet-wide budget per user (Redis), e.g. REST writes, people searches or DM opens. */
export interface UserLimiter {
  /** Takes one point for `userId`; throws RATE_LIMITED (with Retry-After) when the window's budget is spent. */
  take(userId: string): Promise<void>;
}

export interface UserLimits {
  points: number;
  windowSeconds: number;
}

export function createUserLimiter(redis: RateLimitStore, keyPrefix: string, limits: UserLimits): UserLimiter {
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix, points: limits.points, duration: limits.windowSeconds });
  return {
    async take(userId) {
      const wait = await takePoint(limiter, userId, 'Rate limiting is temporarily unavailable, try again');
      if (wait !== undefined) throw AppError.rateLimited(wait);
    },
  };
}

/** SPEC 3's per-user REST write budget, read by every service with REST writes (same names, same defaults). */
export const restWriteEnv = {
  /** Every authenticated REST write (POST/PUT/PATCH/DELETE) per user per window, fleet-wide (SPEC 3). */
  REST_WRITES_PER_WINDOW: env.int(LIMITS.restWriteRateLimit, 1, 1_000_000_000),
  REST_WRITES_WINDOW_SECONDS: env.int(LIMITS.restWriteRateWindowSeconds, 1, 3600),
};

/**
 * SPEC 3's budget: one key space, `<REDIS_PREFIX>rest:write:<userId>`, whichever service counts the
 * write, so a user's writes to membership and to history spend the same budget.
 */
export function createRestWriteLimiter(redis: RateLimitStore, redisPrefix: string, limits: UserLimits): UserLimiter {
  return createUserLimiter(redis, `${redisPrefix}rest:write`, limits);
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * After authentication: an authenticated POST/PUT/PATCH/DELETE takes one point of the caller's budget
 * before its handler runs, so every write route behind it is limited without saying so, including
 * routes added later. Reads pass untouched. Counted before the body is validated: a flood of bad
 * requests spends the budget like good ones. `budget` may pick the limiter per request (a route with a
 * budget of its own); `undefined` from it means exempt.
 */
export function limitWrites(budget: UserLimiter | ((req: Request) => UserLimiter | undefined)): RequestHandler {
  const pick = typeof budget === 'function' ? budget : () => budget;
  return (req, res, next) => {
    if (!WRITES.has(req.method)) return next();
    const limiter = pick(req);
    if (!limiter) return next();
    limiter.take(currentUser(res).id).then(() => next(), next);
  };
}

/** `auth` followed by `limitWrites(limiter)`, as one handler (for routers that name `auth` per route). */
export function authWithWriteLimit(auth: RequestHandler, limiter: UserLimiter): RequestHandler {
  const limit = limitWrites(limiter);
  return (req, res, next) => {
    auth(req, res, (err?: unknown) => {
      if (err !== undefined) return next(err);
      limit(req, res, next);
    });
  };
}
