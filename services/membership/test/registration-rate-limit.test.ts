import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { ErrorBody, RetryAfterDetails } from '@chorus/contracts';
import { PASSWORD, startHarness, type Harness } from './harness.js';

// A budget of 3 so it can be reached; the default is 20 accounts per IP per hour.
let h: Harness;
beforeAll(async () => {
  h = await startHarness('registerlimit', { REGISTRATIONS_PER_IP: '3', REGISTRATION_WINDOW_SECONDS: '3600' });
});
afterAll(async () => {
  await h?.close();
});

/** The app trusts X-Forwarded-For from loopback (the entry point), so tests can act from many IPs. */
const register = (username: string, ip: string, api = h.api) =>
  api.post('/api/auth/register').set('x-forwarded-for', ip).send({ username, password: PASSWORD });

describe('registration limit per client IP', () => {
  it('the 4th attempt from one IP in the window gets 429 with Retry-After; a taken name counts too', async () => {
    const ip = '10.1.0.1';
    expect((await register('reg_a', ip)).status).toBe(201);
    expect((await register('reg_a', ip)).status).toBe(409);
    expect((await register('reg_b', ip)).status).toBe(201);
    const blocked = await register('reg_c', ip);
    expect(blocked.status).toBe(429);
    const body = ErrorBody.parse(blocked.body);
    expect(body.error.code).toBe('RATE_LIMITED');
    const { retryAfterMs } = RetryAfterDetails.parse(body.error.details);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(3_600_000);
    expect(Number(blocked.headers['retry-after'])).toBe(Math.ceil(retryAfterMs / 1000));
    // Refused before anything was written.
    expect(await h.service.infra.models.User.countDocuments({ username: 'reg_c' })).toBe(0);
  });

  it('another IP has its own budget', async () => {
    expect((await register('reg_c', '10.1.0.2')).status).toBe(201);
  });

  it('invalid bodies are refused 400 before they count', async () => {
    const ip = '10.1.0.3';
    for (let i = 0; i < 5; i++) {
      const res = await h.api.post('/api/auth/register').set('x-forwarded-for', ip).send({ username: 'x', password: '' });
      expect(res.status).toBe(400);
    }
    expect((await register('reg_d', ip)).status).toBe(201);
  });

  it('concurrent attempts cannot slip past the budget', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => register(`reg_burst${i}`, '10.1.0.4')));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429)).toHaveLength(5);
  });

  it('the budget is shared by every replica (Redis-backed)', async () => {
    const replica = await h.replica('registerlimit-replica');
    const other = supertest(replica.app);
    const ip = '10.1.0.5';
    for (let i = 0; i < 3; i++) expect((await register(`reg_rep${i}`, ip)).status).toBe(201);
    expect((await register('reg_rep3', ip, other)).status).toBe(429);
  });
});
