import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DmChannel,
  DmListResponse,
  ErrorBody,
  ListMembersResponse,
  ServerDetail,
  UserProfile,
  UserSearchResponse,
  createEnvelope,
  encodeEnvelope,
  presenceKeys,
  topologyNames,
  type AuthResponse,
} from '@chorus/contracts';
import {
  connectBroker,
  createAuthzClient,
  createLogger,
  type AmqpConnectionManager,
  type AuthzClient,
  type RedisClient,
} from '@chorus/runtime';
import amqplib from 'amqplib';
import { waitFor } from '../../../test/support/wait.js';
import { bearer, startHarness, tapEvents, type EventTap, type Harness } from './harness.js';

/** SPEC 10 (profiles, people search, DMs) and SPEC 11's member status, on the real service and its real dependencies. */
let h: Harness;
let ada: AuthResponse;
let bob: AuthResponse;
let eve: AuthResponse;
let tap: EventTap;
let broker: AmqpConnectionManager;
let authz: AuthzClient;
let redis: RedisClient;

beforeAll(async () => {
  h = await startHarness('people', { USER_SEARCH_PER_WINDOW: '1000' });
  [ada, bob, eve] = await Promise.all([h.register('Ada.Lovelace'), h.register('bob'), h.register('eve')]);
  tap = await tapEvents(h.iso);
  broker = connectBroker(h.iso.amqpUrl, createLogger('people-test', 'silent'), 'people-test');
  authz = createAuthzClient({
    connection: broker,
    names: topologyNames(h.iso.amqpPrefix),
    logger: createLogger('authz', 'silent'),
    cacheTtlMs: 0,
  });
  redis = h.iso.redis();
}, 60_000);
afterAll(async () => {
  await tap?.close();
  await authz?.close();
  await broker?.close();
  redis?.disconnect();
  await h?.close();
});

const as = (user: AuthResponse) => ({ authorization: bearer(user) });

function expectError(res: { status: number; body: unknown }, status: number, code: string, field?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const error = ErrorBody.parse(res.body).error;
  expect(error.code).toBe(code);
  if (field !== undefined) expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
}

describe('profiles', () => {
  it('a new account has displayName = username, no avatar, an empty bio; PATCH changes any of them', async () => {
    const me = UserProfile.parse((await h.api.get('/api/users/@me').set(as(bob))).body);
    expect(me).toMatchObject({ id: bob.user.id, username: 'bob', displayName: 'bob', avatarUrl: null, bio: '' });

    const res = await h.api
      .patch('/api/users/@me')
      .set(as(bob))
      .send({ displayName: '  Bob the Builder  ', avatarUrl: 'https://cdn.example.com/bob.png', bio: 'Can we fix it?' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(UserProfile.parse(res.body)).toMatchObject({
      displayName: 'Bob the Builder',
      avatarUrl: 'https://cdn.example.com/bob.png',
      bio: 'Can we fix it?',
    });

    const seen = UserProfile.parse((await h.api.get(`/api/users/${bob.user.id}`).set(as(eve))).body);
    expect(seen).toEqual(UserProfile.parse(res.body));
    expect(Object.keys(seen).sort()).toEqual(['avatarUrl', 'bio', 'createdAt', 'displayName', 'id', 'username']);

    const cleared = await h.api.patch('/api/users/@me').set(as(bob)).send({ avatarUrl: null });
    expect(UserProfile.parse(cleared.body)).toMatchObject({ displayName: 'Bob the Builder', avatarUrl: null });
  });

  it('a profile edit is announced as user.updated v1 with the resulting name and avatar', async () => {
    await h.api.patch('/api/users/@me').set(as(eve)).send({ displayName: 'Eve Online' }).expect(200);
    const event = await tap.next('user.updated', (p) => p.userId === eve.user.id && p.displayName === 'Eve Online');
    expect(event).toMatchObject({ version: 1, producer: 'membership', payload: { avatarUrl: null } });
  });

  it('hostile profile input → 400 naming the field, nothing changed', async () => {
    const cases: Array<[object, string]> = [
      [{ displayName: '' }, 'displayName'],
      [{ displayName: '   ' }, 'displayName'],
      [{ displayName: 'x'.repeat(33) }, 'displayName'],
      [{ displayName: 'bad\u0000name' }, 'displayName'],
      [{ displayName: { $set: 'x' } }, 'displayName'],
      [{ bio: 'b'.repeat(191) }, 'bio'],
      [{ bio: ['x'] }, 'bio'],
      [{ avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
      [{ avatarUrl: 'http://example.com/a.png' }, 'avatarUrl'],
      [{ avatarUrl: 'data:image/png;base64,AAAA' }, 'avatarUrl'],
      [{ avatarUrl: 'https://user:pw@example.com/a.png' }, 'avatarUrl'],
      [{ avatarUrl: `https://example.com/${'a'.repeat(2048)}` }, 'avatarUrl'],
      [{ passwordHash: 'x' }, ''],
      [{}, ''],
    ];
    for (const [body, field] of cases)
      expectError(await h.api.patch('/api/users/@me').set(as(ada)).send(body), 400, 'VALIDATION_FAILED', field);
    expect(UserProfile.parse((await h.api.get('/api/users/@me').set(as(ada))).body)).toMatchObject({
      displayName: 'Ada.Lovelace',
      avatarUrl: null,
      bio: '',
    });
  });

  it('unknown or malformed user ids: 404 / 400; no token: 401', async () => {
    expectError(await h.api.get('/api/users/0123456789abcdef01234567').set(as(ada)), 404, 'NOT_FOUND');
    expectError(await h.api.get('/api/users/nope').set(as(ada)), 400, 'VALIDATION_FAILED', 'userId');
    expectError(await h.api.get(`/api/users/${ada.user.id}`), 401, 'UNAUTHENTICATED');
  });
});

describe('people search', () => {
  it('matches username or displayName by case-insensitive prefix', async () => {
    await h.api.patch('/api/users/@me').set(as(ada)).send({ displayName: 'Countess' }).expect(200);
    const search = async (q: string) =>
      UserSearchResponse.parse((await h.api.get('/api/users').query({ q }).set(as(eve)).expect(200)).body).users.map((u) => u.username);
    expect(await search('ada.')).toEqual(['Ada.Lovelace']);
    expect(await search('ADA')).toEqual(['Ada.Lovelace']);
    expect(await search('count')).toEqual(['Ada.Lovelace']);
    expect(await search('ovelace')).toEqual([]);
    expect(await search('BOB THE')).toEqual(['bob']);
  });

  it('treats regex and operator syntax as plain text; bad queries → 400', async () => {
    for (const q of ['.*', '^a', '[', '(?', '\\', 'a|b', '$where']) {
      const res = await h.api.get('/api/users').query({ q }).set(as(eve));
      expect(res.status, q).toBe(200);
      expect(UserSearchResponse.parse(res.body).users).toEqual([]);
    }
    expectError(await h.api.get('/api/users?q[$gt]=').set(as(eve)), 400, 'VALIDATION_FAILED', 'q');
    expectError(await h.api.get('/api/users?q=a&q=b').set(as(eve)), 400, 'VALIDATION_FAILED', 'q');
    expectError(await h.api.get('/api/users').set(as(eve)), 400, 'VALIDATION_FAILED', 'q');
    expectError(await h.api.get('/api/users').query({ q: 'a', limit: '51' }).set(as(eve)), 400, 'VALIDATION_FAILED', 'limit');
    expectError(await h.api.get('/api/users').query({ q: 'a', role: 'admin' }).set(as(eve)), 400, 'VALIDATION_FAILED');
    expectError(await h.api.get('/api/users').query({ q: 'a' }), 401, 'UNAUTHENTICATED');
  });

  it('is rate limited per user across replicas (429 with Retry-After)', async () => {
    const strict = await startHarness('people-limit', { USER_SEARCH_PER_WINDOW: '3', USER_SEARCH_WINDOW_SECONDS: '60' });
    try {
      const me = await strict.register('searcher');
      for (let i = 0; i < 3; i++) await strict.api.get('/api/users').query({ q: 'a' }).set(as(me)).expect(200);
      const res = await strict.api.get('/api/users').query({ q: 'a' }).set(as(me));
      expectError(res, 429, 'RATE_LIMITED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });
});

describe('direct messages', () => {
  it('two concurrent opens from both sides make exactly one channel (201 for one, 200 for the other)', async () => {
    const [one, two] = await Promise.all([
      h.api.post('/api/dms').set(as(ada)).send({ userId: bob.user.id }),
      h.api.post('/api/dms').set(as(bob)).send({ userId: ada.user.id }),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 201]);
    const a = DmChannel.parse(one.body);
    const b = DmChannel.parse(two.body);
    expect(a.id).toBe(b.id);
    expect(a.recipients.map((r) => r.id).sort()).toEqual([ada.user.id, bob.user.id].sort());
    expect(a.lastMessageId).toBeNull();
    const again = await h.api.post('/api/dms').set(as(ada)).send({ userId: bob.user.id });
    expect(again.status).toBe(200);
    expect(DmChannel.parse(again.body).id).toBe(a.id);
  });

  it('a DM with oneself → 400, with an unknown user → 404, hostile ids → 400', async () => {
    expectError(await h.api.post('/api/dms').set(as(ada)).send({ userId: ada.user.id }), 400, 'VALIDATION_FAILED', 'userId');
    expectError(await h.api.post('/api/dms').set(as(ada)).send({ userId: '0123456789abcdef01234567' }), 404, 'NOT_FOUND');
    expectError(
      await h.api
        .post('/api/dms')
        .set(as(ada))
        .send({ userId: { $ne: null } }),
      400,
      'VALIDATION_FAILED',
      'userId',
    );
    expectError(await h.api.post('/api/dms').set(as(ada)).send({}), 400, 'VALIDATION_FAILED', 'userId');
    expectError(await h.api.post('/api/dms').send({ userId: bob.user.id }), 401, 'UNAUTHENTICATED');
  });

  it('authorization answers for a DM: only its two recipients, serverId null', async () => {
    const dm = DmChannel.parse((await h.api.post('/api/dms').set(as(eve)).send({ userId: ada.user.id })).body);
    const allowed = await authz.check(eve.user.id, dm.id);
    expect(allowed).toEqual({
      status: 'allowed',
      role: 'member',
      channel: { id: dm.id, serverId: null, name: 'dm', recipientIds: expect.arrayContaining([eve.user.id, ada.user.id]) },
      permissions: ['SEND_MESSAGES', 'READ_HISTORY'],
    });
    expect((await authz.check(bob.user.id, dm.id)).status).toBe('not_member');
    expect(await authz.user(eve.user.id)).toMatchObject({ status: 'user', profile: { displayName: 'Eve Online', avatarUrl: null } });
  });

  it('GET /api/dms lists the caller’s DMs, the one with the newest message first (dm.activity from the gateways)', async () => {
    const withBob = DmChannel.parse((await h.api.post('/api/dms').set(as(ada)).send({ userId: bob.user.id })).body);
    const withEve = DmChannel.parse((await h.api.post('/api/dms').set(as(ada)).send({ userId: eve.user.id })).body);
    const list = async (user: AuthResponse) => DmListResponse.parse((await h.api.get('/api/dms').set(as(user)).expect(200)).body).dms;
    expect((await list(ada)).map((d) => d.id)).toEqual([withEve.id, withBob.id]);

    // A message in the older DM, as a gateway announces it (the gateway's side is tested with the gateway).
    const messageId = 'ffffffff0000000000000001';
    const conn = await amqplib.connect(h.iso.amqpUrl);
    const ch = await conn.createConfirmChannel();
    const envelope = createEnvelope(
      'dm.activity',
      1,
      { channelId: withBob.id, messageId, senderId: bob.user.id, recipientIds: [ada.user.id, bob.user.id] },
      'gateway',
    );
    ch.publish(topologyNames(h.iso.amqpPrefix).eventsExchange, 'dm.activity.v1', encodeEnvelope(envelope), { persistent: true });
    await ch.waitForConfirms();
    await conn.close();

    await waitFor(async () => (await list(ada))[0]?.id === withBob.id, 'the DM with bob to move up');
    expect((await list(ada))[0]).toMatchObject({ id: withBob.id, lastMessageId: messageId });
    expect((await list(eve)).map((d) => d.id)).toEqual([withEve.id]);
    // Membership records the pair as DM partners, where gateways read whom to tell about presence.
    const keys = presenceKeys(h.config.REDIS_PREFIX);
    expect(await redis.smembers(keys.partners(ada.user.id))).toContain(bob.user.id);
    expect(await redis.smembers(keys.partners(bob.user.id))).toContain(ada.user.id);
  });
});

describe('member list status', () => {
  it('each member carries the status the gateways keep in Redis; invisible shows as offline', async () => {
    const server = ServerDetail.parse((await h.api.post('/api/servers').set(as(ada)).send({ name: 'Status' })).body);
    await h.api.put(`/api/servers/${server.id}/members/@me`).set(as(bob)).expect(201);
    await h.api.put(`/api/servers/${server.id}/members/@me`).set(as(eve)).expect(201);
    const keys = presenceKeys(h.config.REDIS_PREFIX);
    await redis.hset(keys.conns(ada.user.id), 'gw-test', '1');
    await redis.hset(keys.conns(bob.user.id), 'gw-test', '2');
    await redis.set(keys.status(bob.user.id), 'invisible');
    const members = ListMembersResponse.parse((await h.api.get(`/api/servers/${server.id}/members`).set(as(eve)).expect(200)).body).members;
    expect(Object.fromEntries(members.map((m) => [m.username, m.status]))).toEqual({
      'Ada.Lovelace': 'online',
      bob: 'offline',
      eve: 'offline',
    });
    await redis.set(keys.status(bob.user.id), 'dnd');
    const again = ListMembersResponse.parse((await h.api.get(`/api/servers/${server.id}/members`).set(as(eve)).expect(200)).body).members;
    expect(again.find((m) => m.username === 'bob')?.status).toBe('dnd');
    for (const key of [keys.conns(ada.user.id), keys.conns(bob.user.id), keys.status(bob.user.id)]) await redis.del(key);
  });
});
