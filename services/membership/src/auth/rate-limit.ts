import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, type RedisClient } from '@chorus/runtime';

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

/** A fleet-wide budget per user (Redis), e.g. people searches or DM opens. */
export interface UserLimiter {
  /** Takes one point for `userId`; throws RATE_LIMITED (with Retry-After) when the window's budget is spent. */
  take(userId: string): Promise<void>;
}

export function createUserLimiter(redis: RedisClient, keyPrefix: string, limits: { points: number; windowSeconds: number }): UserLimiter {
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix, points: limits.points, duration: limits.windowSeconds });
  return {
    async take(userId) {
      const wait = await takePoint(limiter, userId, 'Rate limiting is temporarily unavailable, try again');
      if (wait !== undefined) throw AppError.rateLimited(wait);
    },
  };
}
