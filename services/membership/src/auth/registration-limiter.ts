import { RateLimiterRedis } from 'rate-limiter-flexible';
import { AppError, type RedisClient } from '@chorus/runtime';
import { takePoint } from './rate-limit.js';

export interface RegistrationLimits {
  perIp: number;
  windowSeconds: number;
}

export interface RegistrationLimiter {
  /**
   * Counts one registration attempt for `ip` (taken usernames included: probing for names costs the
   * same budget) and throws RATE_LIMITED once the window's budget is spent.
   */
  attempt(ip: string): Promise<void>;
}

/**
 * Account creation per client IP, in Redis so it holds across replicas. Counted before the password is
 * hashed: each registration costs an argon2id hash (19 MiB, tens of ms of CPU) and a stored account,
 * so an unlimited endpoint is both a CPU and a storage lever for one client.
 */
export function createRegistrationLimiter(redis: RedisClient, prefix: string, limits: RegistrationLimits): RegistrationLimiter {
  const perIp = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}register:ip`,
    points: limits.perIp,
    duration: limits.windowSeconds,
  });
  return {
    async attempt(ip) {
      const wait = await takePoint(perIp, ip, 'Registration is temporarily unavailable, try again');
      if (wait !== undefined) throw AppError.rateLimited(wait);
    },
  };
}
