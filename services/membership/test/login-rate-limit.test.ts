import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { ErrorBody, RetryAfterDetails } from '@chorus/contracts';
import { PASSWORD, startHarness, type Harness } from './harness.js';

// Small budgets so the limits can be reached; the defaults are 5 per (username, IP) and 100 per IP.
let h: Harness;
beforeAll(async () => {
  h = await startHarness('loginlimit', {
    LOGIN_MAX_FAILURES_PER_USER_IP: '3',
    LOGIN_MAX_FAILURES_PER_IP: '8',
    LOGIN_FAILURE_WINDOW_SECONDS: '600',
  });
  await Promise.all(['victim', 'resetter', 'other1', 'other2'].map((u) => h.register(u)));
});
afterAll(async () => {
  await h?.close();
});

/** The app trusts X-Forwarded-For from loopback (the entry point), so tests can act from many IPs. */
const login = (username: string, password: string, ip: string) =>
  h.api.post('/api/auth/login').set('x-forwarded-for', ip).send({ username, password });

describe('login brute-force limits', () => {
  it('after 3 failures for (username, IP) even the right password gets 429 with Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await login('victim', 'wrong-password', '10.0.0.1')).status).toBe(401);
    const blocked = await login('victim', PASSWORD, '10.0.0.1');
    expect(blocked.status).toBe(429);
    const body = ErrorBody.parse(blocked.body);
    expect(body.error.code).toBe('RATE_LIMITED');
    const { retryAfterMs } = RetryAfterDetails.parse(body.error.details);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(600_000);
    expect(Number(blocked.headers['retry-after'])).toBe(Math.ceil(retryAfterMs / 1000));
  });

  it('the same username from another IP is not blocked (the limit is per username and IP)', async () => {
    expect((await login('victim', PASSWORD, '10.0.0.2')).status).toBe(200);
  });

  it('the username is lowered, so case variants share the budget', async () => {
    expect((await login('VICTIM', PASSWORD, '10.0.0.1')).status).toBe(429);
  });

  it('a successful login resets the (username, IP) failures', async () => {
    for (let i = 0; i < 2; i++) expect((await login('resetter', 'wrong-password', '10.0.0.3')).status).toBe(401);
    expect((await login('resetter', PASSWORD, '10.0.0.3')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login('resetter', 'wrong-password', '10.0.0.3')).status).toBe(401);
    expect((await login('resetter', PASSWORD, '10.0.0.3')).status).toBe(429);
  });

  it('failures across usernames from one IP are limited per IP', async () => {
    const ip = '10.0.0.4';
    const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'];
    for (const name of names) expect((await login(name, 'wrong-password', ip)).status).toBe(401);
    expect((await login('other1', PASSWORD, ip)).status).toBe(429);
    expect((await login('other1', PASSWORD, '10.0.0.5')).status).toBe(200);
  });

  it('concurrent guesses cannot slip past the limit', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => login('other2', 'wrong-password', '10.0.0.6')));
    expect(results.filter((r) => r.status === 401)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429)).toHaveLength(5);
  });

  it('failures counted by one replica block logins on another (Redis-backed)', async () => {
    const replica = await h.replica('loginlimit-replica');
    const other = supertest(replica.app);
    await h.register('shared');
    for (let i = 0; i < 3; i++) expect((await login('shared', 'wrong-password', '10.0.0.7')).status).toBe(401);
    const res = await other.post('/api/auth/login').set('x-forwarded-for', '10.0.0.7').send({ username: 'shared', password: PASSWORD });
    expect(res.status).toBe(429);
  });

  it('the counters live in Redis under REDIS_PREFIX (shared by every replica)', async () => {
    const keys = await h.service.infra.redis.keys(`${h.iso.redisPrefix}login:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(h.iso.redisPrefix))).toBe(true);
  });
});
