import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@chorus/runtime';

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
