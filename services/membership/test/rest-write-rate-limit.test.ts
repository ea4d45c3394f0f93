import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { ErrorBody, ServerDetail, type AuthResponse } from '@chorus/contracts';
import { bearer, startHarness, type Harness } from './harness.js';

/** SPEC 3: every authenticated REST write is limited per user across the fleet (here 5 per minute). */
let h: Harness;
beforeAll(async () => {
  h = await startHarness('restwrites', { REST_WRITES_PER_WINDOW: '5', REST_WRITES_WINDOW_SECONDS: '60' });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const as = (who: AuthResponse) => ({ authorization: bearer(who) });

function expectRateLimited(res: { status: number; body: unknown; headers: Record<string, string> }) {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  const error = ErrorBody.parse(res.body).error;
  expect(error.code).toBe('RATE_LIMITED');
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(error.details).toEqual({ retryAfterMs: expect.any(Number) });
  expect((error.details as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
}

describe('REST write rate limit', () => {
  it('the 5th write of any kind passes, the 6th is 429 with Retry-After; reads still pass', async () => {
    const ada = await h.register('rw_ada');
    const s = ServerDetail.parse((await h.api.post('/api/servers').set(as(ada)).send({ name: 'one' })).body); // 1
    expect((await h.api.patch(`/api/servers/${s.id}`).set(as(ada)).send({ name: 'two' })).status).toBe(200); // 2
    expect((await h.api.post(`/api/servers/${s.id}/channels`).set(as(ada)).send({ name: 'c' })).status).toBe(201); // 3
    expect((await h.api.post(`/api/servers/${s.id}/invites`).set(as(ada)).send({})).status).toBe(201); // 4
    // A refused write (400) spends the budget like any other.
    expect((await h.api.post(`/api/servers/${s.id}/invites`).set(as(ada)).send({ maxUses: 0 })).status).toBe(400); // 5
    expectRateLimited(await h.api.post(`/api/servers/${s.id}/invites`).set(as(ada)).send({}));
    expectRateLimited(await h.api.delete(`/api/servers/${s.id}`).set(as(ada)));
    expectRateLimited(await h.api.patch('/api/users/@me').set(as(ada)).send({ bio: 'hi' }));
    expect((await h.api.get(`/api/servers/${s.id}`).set(as(ada))).status).toBe(200);
    expect((await h.api.get(`/api/servers/${s.id}/invites`).set(as(ada))).status).toBe(200);
    // Nothing was done by the refused writes.
    expect(await h.service.infra.models.Server.exists({ _id: s.id })).not.toBeNull();
  });

  it('is per user: another user still writes', async () => {
    const [bob, cat] = [await h.register('rw_bob'), await h.register('rw_cat')];
    for (let i = 0; i < 5; i++)
      expect(
        (
          await h.api
            .post('/api/servers')
            .set(as(bob))
            .send({ name: `b${i}` })
        ).status,
      ).toBe(201);
    expectRateLimited(await h.api.post('/api/servers').set(as(bob)).send({ name: 'b5' }));
    expect((await h.api.post('/api/servers').set(as(cat)).send({ name: 'c0' })).status).toBe(201);
  });

  it('is fleet-wide: writes on two replicas share one budget', async () => {
    const dan = await h.register('rw_dan');
    const other = supertest((await h.replica('restwrites-2')).app);
    for (let i = 0; i < 5; i++) {
      const api = i % 2 === 0 ? h.api : other;
      expect(
        (
          await api
            .post('/api/servers')
            .set(as(dan))
            .send({ name: `d${i}` })
        ).status,
      ).toBe(201);
    }
    expectRateLimited(await other.post('/api/servers').set(as(dan)).send({ name: 'd5' }));
    expectRateLimited(await h.api.post('/api/servers').set(as(dan)).send({ name: 'd6' }));
  });

  it('role changes count too (SPEC 3: every REST write)', async () => {
    const eve = await h.register('rw_eve');
    const s = ServerDetail.parse((await h.api.post('/api/servers').set(as(eve)).send({ name: 'roles' })).body); // 1
    for (let i = 0; i < 4; i++)
      expect(
        (
          await h.api
            .post(`/api/servers/${s.id}/roles`)
            .set(as(eve))
            .send({ name: `r${i}` })
        ).status,
      ).toBe(201);
    expectRateLimited(await h.api.post(`/api/servers/${s.id}/roles`).set(as(eve)).send({ name: 'r4' }));
    expect((await h.api.get(`/api/servers/${s.id}/roles`).set(as(eve))).body.roles).toHaveLength(5);
  });

  it('unauthenticated writes are not counted against anyone and stay 401', async () => {
    const res = await h.api.post('/api/servers').send({ name: 'x' });
    expect(res.status).toBe(401);
    expect(ErrorBody.parse(res.body).error.code).toBe('UNAUTHENTICATED');
  });
});
