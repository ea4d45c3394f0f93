// SPEC 3 "Quotas" on history: edits, deletes and reactions spend the user's fleet-wide REST write budget
// (real Redis), the very budget membership's writes spend; read positions have one of their own; with
// Redis unreachable writes fail closed (503) while reads are still served. The real membership runs
// in-process beside history (accounts, servers, the authorization RPC).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { AuthResponse, ErrorBody, HistoryPage, ServerDetail } from '@chorus/contracts';
import { createLogger } from '@chorus/runtime';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { FAST_ACCOUNTS } from '../../../test/support/tuning.js';
import { migrateHistory, migrateMembership } from '../../../test/support/migrate.js';
import { loadConfig as loadMembershipConfig } from '../../membership/src/config.js';
import { createMembershipService, type MembershipService } from '../../membership/src/service.js';
import { loadConfig } from '../src/config.js';
import { toMessageDoc } from '../src/messages/message.mapper.js';
import { MessageRepository } from '../src/messages/message.repository.js';
import { messageModels } from '../src/messages/message.schema.js';
import { createHistoryService, type HistoryService } from '../src/service.js';
import { idSequence, makeMessage } from './support/fixtures.js';

const iso = isolated('history-writelimit');
const logger = createLogger('history-test', process.env.TEST_LOG_LEVEL ?? 'silent');
// Low budgets, a long window: nothing frees up while a test runs.
const LIMITS = {
  REST_WRITES_PER_WINDOW: '4',
  REST_WRITES_WINDOW_SECONDS: '60',
  READ_STATE_WRITES_PER_WINDOW: '3',
  READ_STATE_WRITES_WINDOW_SECONDS: '60',
};
let membership: MembershipService;
let history: HistoryService;
let m: ReturnType<typeof supertest>;
let h: ReturnType<typeof supertest>;
const nextId = idSequence();

interface Place {
  user: AuthResponse;
  auth: string;
  channelId: string;
  messageId: string;
}

beforeAll(async () => {
  await Promise.all([migrateMembership(iso.mongoUri), migrateHistory(iso.mongoUri)]);
  const env = iso.serviceEnv({ ...FAST_ACCOUNTS, ...LIMITS, INSTANCE_ID: 'writelimit' });
  membership = createMembershipService(loadMembershipConfig(env), logger);
  history = createHistoryService(loadConfig(env), logger);
  await Promise.all([membership.ready, history.ready]);
  [m, h] = [supertest(membership.app), supertest(history.app)];
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([membership?.stop(), history?.stop()]);
  await iso.cleanup();
});

/** A new user with a server (one membership write) and one message of theirs in its first channel. */
async function place(username: string): Promise<Place> {
  const reg = await m.post('/api/auth/register').send({ username, password: 'correct horse battery' });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  const user = AuthResponse.parse(reg.body);
  const auth = `Bearer ${user.accessToken}`;
  const created = await m
    .post('/api/servers')
    .set('Authorization', auth)
    .send({ name: `${username}'s` });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const server = ServerDetail.parse(created.body);
  const channelId = server.channels[0]!.id;
  const message = makeMessage(nextId(), channelId, server.id, { id: user.user.id, username });
  await new MessageRepository(messageModels(history.mongo)).insertBatch([toMessageDoc(message)]);
  return { user, auth, channelId, messageId: message.id };
}

const messageUrl = (p: Place) => `/api/channels/${p.channelId}/messages/${p.messageId}`;
const react = (p: Place, emoji: string) =>
  h.put(`${messageUrl(p)}/reactions/${encodeURIComponent(emoji)}/@me`).set('Authorization', p.auth);
const edit = (p: Place, content: string) => h.patch(messageUrl(p)).set('Authorization', p.auth).send({ content });
const markRead = (p: Place) => h.put(`/api/channels/${p.channelId}/read`).set('Authorization', p.auth).send({ messageId: p.messageId });
const page = (p: Place) => h.get(`/api/channels/${p.channelId}/messages`).set('Authorization', p.auth);

function expectRateLimited(res: { status: number; body: unknown; headers: Record<string, string> }) {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  const error = ErrorBody.parse(res.body).error;
  expect(error.code).toBe('RATE_LIMITED');
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect((error.details as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
}

describe('history REST writes under the per-user write limit', () => {
  it('past the budget an edit or a reaction is 429 with Retry-After; reads pass; the refused writes did nothing', async () => {
    const ada = await place('wl_ada'); // 1 (the server)
    expect((await react(ada, '👍')).status).toBe(204); // 2
    expect((await edit(ada, 'edited')).status).toBe(200); // 3
    expect((await edit(ada, '')).status).toBe(400); // 4: a refused write spends the budget like any other
    expectRateLimited(await react(ada, '🎉'));
    expectRateLimited(await edit(ada, 'again'));
    expectRateLimited(await h.delete(messageUrl(ada)).set('Authorization', ada.auth));
    expectRateLimited(await h.delete(`${messageUrl(ada)}/reactions/${encodeURIComponent('👍')}/@me`).set('Authorization', ada.auth));
    const res = await page(ada);
    expect(res.status).toBe(200);
    const [message] = HistoryPage.parse(res.body).messages;
    expect(message!.content).toBe('edited');
    expect(message!.reactions).toEqual([{ emoji: '👍', count: 1, me: true }]);
  });

  it('is per user: another user still edits and reacts', async () => {
    const [bob, cat] = [await place('wl_bob'), await place('wl_cat')];
    for (let i = 0; i < 3; i++) expect((await edit(bob, `b${i}`)).status).toBe(200);
    expectRateLimited(await react(bob, '👍'));
    expect((await react(cat, '👍')).status).toBe(204);
    expect((await edit(cat, 'still mine')).status).toBe(200);
  });

  it("shares membership's budget: writes to either service spend the same points", async () => {
    const dan = await place('wl_dan'); // 1 (membership)
    expect((await react(dan, '👍')).status).toBe(204); // 2 (history)
    const serverId = HistoryPage.parse((await page(dan)).body).messages[0]!.serverId;
    expect((await m.patch(`/api/servers/${serverId}`).set('Authorization', dan.auth).send({ name: 'renamed' })).status).toBe(200); // 3
    expect((await edit(dan, 'once')).status).toBe(200); // 4 (history)
    expectRateLimited(await m.patch(`/api/servers/${serverId}`).set('Authorization', dan.auth).send({ name: 'again' }));
    expectRateLimited(await react(dan, '🎉'));
  });

  it('read positions spend a budget of their own, not the write budget', async () => {
    const eve = await place('wl_eve'); // 1
    for (let i = 0; i < 3; i++) expect((await markRead(eve)).status).toBe(204);
    expectRateLimited(await markRead(eve));
    // The write budget is untouched by them: three more writes pass (2-4), the next is refused.
    for (let i = 0; i < 3; i++) expect((await edit(eve, `e${i}`)).status).toBe(200);
    expectRateLimited(await edit(eve, 'e3'));
    expect((await h.get('/api/users/@me/read-states').set('Authorization', eve.auth)).status).not.toBe(429);
  });
});

describe('with Redis unreachable', () => {
  let blind: HistoryService;
  beforeAll(async () => {
    const env = iso.serviceEnv({ ...LIMITS, REDIS_URL: 'redis://127.0.0.1:1' });
    blind = createHistoryService(loadConfig(env), logger);
    // Its `ready` waits for Redis too; /readyz does not (reads need no Redis).
    await waitFor(async () => (await supertest(blind.app).get('/readyz')).status === 200 || undefined, 'history ready without Redis');
  }, 30_000);
  afterAll(async () => {
    await blind?.stop();
  });

  it('writes fail closed with 503 UNAVAILABLE; reads are still served', async () => {
    const fay = await place('wl_fay');
    const api = supertest(blind.app);
    const res = await api.patch(messageUrl(fay)).set('Authorization', fay.auth).send({ content: 'no limiter, no write' });
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(ErrorBody.parse(res.body).error.code).toBe('UNAVAILABLE');
    const read = await api.put(`/api/channels/${fay.channelId}/read`).set('Authorization', fay.auth).send({ messageId: fay.messageId });
    expect(read.status).toBe(503);
    const got = await api.get(`/api/channels/${fay.channelId}/messages`).set('Authorization', fay.auth);
    expect(got.status).toBe(200);
    expect(HistoryPage.parse(got.body).messages[0]!.content).not.toBe('no limiter, no write');
  });
});
