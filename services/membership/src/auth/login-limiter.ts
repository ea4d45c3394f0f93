import { RateLimiterRedis } from 'rate-limiter-flexible';
import { AppError, type RedisClient } from '@chorus/runtime';
import { takePoint } from './rate-limit.js';

export interface LoginLimits {
  perUserIp: number;
  perIp: number;
  windowSeconds: number;
}

export interface LoginLimiter {
  /**
   * Counts one attempt for (username, ip) and ip before the password is checked; throws RATE_LIMITED
   * when either budget is spent (even for the right password: a blocked attacker learns nothing).
   */
  attempt(username: string, ip: string): Promise<void>;
  /** A successful login: the (username, ip) failures are forgotten and the ip attempt is given back. */
  succeeded(username: string, ip: string): Promise<void>;
}

/**
 * Login brute-force limits in Redis (shared by every replica): attempts are counted up front, so
 * concurrent guesses cannot slip past the limit; a success refunds its attempt, so only failures count.
 */
export function createLoginLimiter(redis: RedisClient, prefix: string, limits: LoginLimits): LoginLimiter {
  const userIp = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}login:user-ip`,
    points: limits.perUserIp,
    duration: limits.windowSeconds,
  });
  const ipOnly = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}login:ip`,
    points: limits.perIp,
    duration: limits.windowSeconds,
  });
  const userKey = (username: string, ip: string) => `${username.toLowerCase()}|${ip}`;

  const consume = (limiter: RateLimiterRedis, key: string) => takePoint(limiter, key, 'Login is temporarily unavailable, try again');

  return {
    async attempt(username, ip) {
      const [a, b] = await Promise.all([consume(userIp, userKey(username, ip)), consume(ipOnly, ip)]);
      const wait = Math.max(a ?? -1, b ?? -1);
      if (wait >= 0) throw AppError.rateLimited(wait);
    },
    async succeeded(username, ip) {
      await Promise.all([userIp.delete(userKey(username, ip)), ipOnly.reward(ip)]).catch(() => undefined);
    },
  };
}
