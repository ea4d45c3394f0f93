import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerDetail, topologyNames, type AuthResponse } from '@chorus/contracts';
import { connectBroker, createAuthzClient, createLogger } from '@chorus/runtime';
import { createAuthorizer } from '../src/authz/authorizer.js';
import { createChannelCache } from '../src/authz/channel-cache.js';
import { bearer, startHarness, type Harness } from './harness.js';

/**
 * Measures (never asserts) the authorization hot path: the service time of one answer inside membership,
 * and the full RPC round trip a gateway sees with its cache off. Printed as p50/p99 for the report.
 */
let h: Harness;
let owner: AuthResponse;
let member: AuthResponse;
let stranger: AuthResponse;
let channelId: string;
beforeAll(async () => {
  h = await startHarness('authztime');
  [owner, member, stranger] = await Promise.all([h.register('owner'), h.register('member'), h.register('stranger')]);
  const s = ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'Hot' })).body);
  channelId = s.channels[0]!.id;
  await h.api.put(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).expect(201);
  // Some bulk so the membership collection is not trivially small.
  const now = new Date();
  await h.service.infra.models.Member.insertMany(
    Array.from({ length: 2_000 }, (_, i) => ({
      serverId: s.id,
      userId: (i + 1).toString(16).padStart(24, '0'),
      username: `bulk${i}`,
      joinedAt: now,
    })),
  );
});
afterAll(async () => {
  await h?.close();
});

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
async function measure(label: string, n: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 50; i++) await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const line = `${label}: n=${n} p50=${pct(times, 50).toFixed(3)}ms p99=${pct(times, 99).toFixed(3)}ms max=${times.at(-1)!.toFixed(3)}ms`;
  console.info(`[authz-time] ${line}`);
  return times;
}

describe('authorization service time (informational)', () => {
  it('in-process answer with a warm channel cache: member, owner, stranger', async () => {
    const authorize = createAuthorizer(h.service.infra.models, h.service.infra.channelCache);
    expect((await authorize({ userId: member.user.id, channelId })).status).toBe('allowed');
    expect((await authorize({ userId: stranger.user.id, channelId })).status).toBe('not_member');
    await measure('service time, stranger (1 indexed point lookup, miss)', 2_000, () => authorize({ userId: stranger.user.id, channelId }));
    await measure('service time, member (1 indexed point lookup, hit)', 2_000, () => authorize({ userId: member.user.id, channelId }));
    await measure('service time, owner (no query)', 2_000, () => authorize({ userId: owner.user.id, channelId }));
  });

  it('in-process answer without the channel cache (for comparison)', async () => {
    const authorize = createAuthorizer(h.service.infra.models, createChannelCache(h.service.infra.models, { ttlMs: 0, maxEntries: 0 }));
    expect((await authorize({ userId: member.user.id, channelId })).status).toBe('allowed');
    await measure('service time, member, cache off (3 queries)', 1_000, () => authorize({ userId: member.user.id, channelId }));
  });

  it('RPC round trip through RabbitMQ (gateway side, caller cache off)', async () => {
    const logger = createLogger('authz-time', 'silent');
    const broker = connectBroker(h.iso.amqpUrl, logger, 'authz-time');
    const client = createAuthzClient({ connection: broker, names: topologyNames(h.iso.amqpPrefix), logger, cacheTtlMs: 0 });
    await new Promise<void>((resolve) => (broker.isConnected() ? resolve() : broker.once('connect', () => resolve())));
    try {
      expect((await client.check(member.user.id, channelId)).status).toBe('allowed');
      await measure('rpc round trip, member', 1_000, () => client.check(member.user.id, channelId));
    } finally {
      await client.close();
      await broker.close();
    }
  });
});
