// History REST API on real MongoDB and RabbitMQ. Membership's answers come from a test-only stand-in
// that serves the real authorization RPC queue (see support/authz-stand-in.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { ErrorBody, HistoryPage, Message, type Message as MessageT } from '@chorus/contracts';
import { isolated, testKeys } from '../../../test/support/isolated.js';
import { toMessageDoc } from '../src/messages/message.mapper.js';
import { hexId, idSequence, makeMessage, mintToken, testUsers } from './support/fixtures.js';
import { useHistoryService } from './support/in-process.js';

const iso = isolated('history-api');
const world = useHistoryService(iso);

const [owner, alice, bob, outsider] = testUsers('owner', 'alice', 'bob', 'mallory');
const serverId = hexId();
const nextId = idSequence();
const token = world.bearer;

/** A channel of the server with `count` messages by alice, plus another channel's messages interleaved in id order. */
async function seedChannel(count: number): Promise<{ channelId: string; ids: string[]; foreign: string[] }> {
  const channelId = hexId();
  const foreignChannel = hexId();
  world.authz.setChannel(channelId, { serverId, ownerId: owner.id, members: [alice.id, bob.id] });
  world.authz.setChannel(foreignChannel, { serverId, ownerId: owner.id, members: [alice.id, bob.id] });
  const ids: string[] = [];
  const foreign: string[] = [];
  const docs: MessageT[] = [];
  for (let i = 0; i < count; i++) {
    const f = nextId();
    foreign.push(f);
    docs.push(makeMessage(f, foreignChannel, serverId, bob, `foreign ${i}`));
    const id = nextId();
    ids.push(id);
    docs.push(makeMessage(id, channelId, serverId, alice, `m${i}`));
  }
  const outcome = await world.repo.insertBatch(docs.map(toMessageDoc));
  expect(outcome.inserted).toBe(docs.length);
  return { channelId, ids, foreign };
}

async function page(channelId: string, query: string, user = alice): Promise<{ ids: string[]; hasMore: boolean; messages: MessageT[] }> {
  const res = await request(world.svc.app).get(`/api/channels/${channelId}/messages${query}`).set('Authorization', token(user));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const body = HistoryPage.parse(res.body);
  return { ids: body.messages.map((m) => m.id), hasMore: body.hasMore, messages: body.messages };
}

/** ids[a..b] inclusive, newest first. */
const desc = (ids: string[], from: number, to: number) => ids.slice(from, to + 1).reverse();

describe('authentication and authorization', () => {
  it('401 without a token, with a malformed one, or one signed by another key', async () => {
    const { channelId } = await seedChannel(1);
    const url = `/api/channels/${channelId}/messages`;
    for (const auth of [
      undefined,
      'Bearer',
      'Bearer not.a.jwt',
      `Bearer ${mintToken(testKeys().privateKey, alice)}`,
      mintToken(iso.keys.privateKey, alice),
    ]) {
      const req = request(world.svc.app).get(url);
      const res = await (auth === undefined ? req : req.set('Authorization', auth));
      expect(res.status).toBe(401);
      expect(ErrorBody.parse(res.body).error.code).toBe('UNAUTHENTICATED');
    }
    const expired = mintToken(iso.keys.privateKey, alice, { expiresIn: -10 });
    expect((await request(world.svc.app).get(url).set('Authorization', `Bearer ${expired}`)).status).toBe(401);
  });

  it('403 NOT_MEMBER for a non-member, 404 NOT_FOUND for an unknown channel', async () => {
    const { channelId } = await seedChannel(1);
    const res = await request(world.svc.app).get(`/api/channels/${channelId}/messages`).set('Authorization', token(outsider));
    expect(res.status).toBe(403);
    expect(ErrorBody.parse(res.body).error.code).toBe('NOT_MEMBER');
    const unknown = await request(world.svc.app).get(`/api/channels/${hexId()}/messages`).set('Authorization', token(alice));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });

  it('a member who leaves is refused at once (no stale positive answer)', async () => {
    const channelId = hexId();
    const carol = { id: hexId(), username: 'carol' };
    world.authz.setChannel(channelId, { serverId, ownerId: owner.id, members: [carol.id] });
    expect((await request(world.svc.app).get(`/api/channels/${channelId}/messages`).set('Authorization', token(carol))).status).toBe(200);
    world.authz.setChannel(channelId, { serverId, ownerId: owner.id, members: [] }); // carol left
    const res = await request(world.svc.app).get(`/api/channels/${channelId}/messages`).set('Authorization', token(carol));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('NOT_MEMBER');
  });

  it('503 UNAVAILABLE when membership does not answer', async () => {
    const { channelId } = await seedChannel(1);
    world.authz.pause();
    try {
      const res = await request(world.svc.app).get(`/api/channels/${channelId}/messages`).set('Authorization', token(bob));
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('UNAVAILABLE');
    } finally {
      world.authz.resume();
    }
  });

  it('healthz and readyz', async () => {
    expect((await request(world.svc.app).get('/healthz')).status).toBe(200);
    const ready = await request(world.svc.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ mongodb: true, broker: true, consumer: true });
  });
});

describe('pagination (newest first)', () => {
  let ch: Awaited<ReturnType<typeof seedChannel>>;
  beforeAll(async () => {
    ch = await seedChannel(25);
  });

  it('no cursor: the newest page; default limit 50', async () => {
    expect(await page(ch.channelId, '')).toMatchObject({ ids: desc(ch.ids, 0, 24), hasMore: false });
    expect(await page(ch.channelId, '?limit=10')).toMatchObject({ ids: desc(ch.ids, 15, 24), hasMore: true });
    expect(await page(ch.channelId, '?limit=25')).toMatchObject({ ids: desc(ch.ids, 0, 24), hasMore: false });
    expect(await page(ch.channelId, '?limit=24')).toMatchObject({ ids: desc(ch.ids, 1, 24), hasMore: true });
    const first = await page(ch.channelId, '?limit=1');
    expect(first.messages[0]).toEqual(Message.parse({ ...first.messages[0] }));
    expect(first.messages[0]).toMatchObject({ channelId: ch.channelId, serverId, author: alice, content: 'm24', editedAt: null });
  });

  it('before: walks back to the first message with exact page boundaries', async () => {
    const seen: string[] = [];
    const pages: Array<[number, boolean]> = [];
    let cursor = '';
    for (;;) {
      const p = await page(ch.channelId, `?limit=10${cursor ? `&before=${cursor}` : ''}`);
      pages.push([p.ids.length, p.hasMore]);
      seen.push(...p.ids);
      if (!p.hasMore) break;
      cursor = p.ids[p.ids.length - 1]!;
    }
    expect(pages).toEqual([
      [10, true],
      [10, true],
      [5, false],
    ]);
    expect(seen).toEqual(desc(ch.ids, 0, 24));
    expect(await page(ch.channelId, `?before=${ch.ids[0]}`)).toMatchObject({ ids: [], hasMore: false });
    expect(await page(ch.channelId, `?before=${ch.ids[1]}&limit=1`)).toMatchObject({ ids: [ch.ids[0]], hasMore: false });
    expect(await page(ch.channelId, `?before=${ch.ids[2]}&limit=1`)).toMatchObject({ ids: [ch.ids[1]], hasMore: true });
  });

  it('after: the messages right after the cursor, newest first; hasMore = newer ones remain', async () => {
    expect(await page(ch.channelId, `?after=${ch.ids[4]}&limit=7`)).toMatchObject({ ids: desc(ch.ids, 5, 11), hasMore: true });
    expect(await page(ch.channelId, `?after=${ch.ids[17]}&limit=7`)).toMatchObject({ ids: desc(ch.ids, 18, 24), hasMore: false });
    expect(await page(ch.channelId, `?after=${ch.ids[16]}&limit=7`)).toMatchObject({ ids: desc(ch.ids, 17, 23), hasMore: true });
    expect(await page(ch.channelId, `?after=${ch.ids[24]}`)).toMatchObject({ ids: [], hasMore: false });
    // Catching up from the oldest: forward pages cover everything once.
    const seen: string[] = [];
    let cursor = ch.ids[0]!;
    for (;;) {
      const p = await page(ch.channelId, `?after=${cursor}&limit=6`);
      seen.unshift(...p.ids);
      if (!p.hasMore) break;
      cursor = p.ids[0]!;
    }
    expect(seen).toEqual(desc(ch.ids, 1, 24));
  });

  it('around: the cursor with floor(limit/2) older and the rest newer; hasMore = older ones remain', async () => {
    expect(await page(ch.channelId, `?around=${ch.ids[10]}&limit=5`)).toMatchObject({ ids: desc(ch.ids, 8, 12), hasMore: true });
    expect(await page(ch.channelId, `?around=${ch.ids[10]}&limit=4`)).toMatchObject({ ids: desc(ch.ids, 8, 11), hasMore: true });
    expect(await page(ch.channelId, `?around=${ch.ids[10]}&limit=1`)).toMatchObject({ ids: [ch.ids[10]], hasMore: true });
    expect(await page(ch.channelId, `?around=${ch.ids[1]}&limit=5`)).toMatchObject({ ids: desc(ch.ids, 0, 3), hasMore: false });
    expect(await page(ch.channelId, `?around=${ch.ids[2]}&limit=5`)).toMatchObject({ ids: desc(ch.ids, 0, 4), hasMore: false });
    expect(await page(ch.channelId, `?around=${ch.ids[24]}&limit=4`)).toMatchObject({ ids: desc(ch.ids, 22, 24), hasMore: true });
    expect(await page(ch.channelId, `?around=${ch.ids[12]}`)).toMatchObject({ ids: desc(ch.ids, 0, 24), hasMore: false });
  });

  it('a cursor from another channel is just a position in id order', async () => {
    // foreign[6] lies between ids[5] and ids[6].
    const f = ch.foreign[6]!;
    expect(await page(ch.channelId, `?before=${f}&limit=3`)).toMatchObject({ ids: desc(ch.ids, 3, 5), hasMore: true });
    expect(await page(ch.channelId, `?after=${f}&limit=3`)).toMatchObject({ ids: desc(ch.ids, 6, 8), hasMore: true });
    expect(await page(ch.channelId, `?around=${f}&limit=4`)).toMatchObject({ ids: desc(ch.ids, 4, 7), hasMore: true });
    // And the other channel's messages never leak in.
    const all = await page(ch.channelId, '?limit=100');
    expect(all.ids.some((id) => ch.foreign.includes(id))).toBe(false);
  });

  it('a cursor at a deleted message still marks its position; the message itself is gone', async () => {
    const d = await seedChannel(8);
    const gone = d.ids[4]!;
    const del = await request(world.svc.app).delete(`/api/channels/${d.channelId}/messages/${gone}`).set('Authorization', token(alice));
    expect(del.status).toBe(204);
    expect(await page(d.channelId, '')).toMatchObject({ ids: desc(d.ids, 0, 7).filter((id) => id !== gone), hasMore: false });
    expect(await page(d.channelId, `?before=${gone}&limit=2`)).toMatchObject({ ids: desc(d.ids, 2, 3), hasMore: true });
    expect(await page(d.channelId, `?after=${gone}&limit=2`)).toMatchObject({ ids: desc(d.ids, 5, 6), hasMore: true });
    expect(await page(d.channelId, `?around=${gone}&limit=4`)).toMatchObject({
      ids: [d.ids[6], d.ids[5], d.ids[3], d.ids[2]],
      hasMore: true,
    });
    // A cursor that never existed anywhere (older than everything / newer than everything).
    expect(await page(d.channelId, `?before=${'0'.repeat(24)}`)).toMatchObject({ ids: [], hasMore: false });
    expect(await page(d.channelId, `?after=${'f'.repeat(24)}`)).toMatchObject({ ids: [], hasMore: false });
    expect(await page(d.channelId, `?after=${'0'.repeat(24)}&limit=2`)).toMatchObject({ ids: desc(d.ids, 0, 1), hasMore: true });
  });

  it('an empty channel', async () => {
    const empty = hexId();
    world.authz.setChannel(empty, { serverId, ownerId: owner.id, members: [alice.id] });
    expect(await page(empty, '')).toMatchObject({ ids: [], hasMore: false });
    expect(await page(empty, `?around=${hexId()}`)).toMatchObject({ ids: [], hasMore: false });
  });

  it('accepts limit 1 and 100 and upper-case hex cursors', async () => {
    expect((await page(ch.channelId, '?limit=1')).ids).toHaveLength(1);
    expect((await page(ch.channelId, '?limit=100')).ids).toHaveLength(25);
    expect(await page(ch.channelId, `?before=${ch.ids[3]!.toUpperCase()}&limit=2`)).toMatchObject({ ids: desc(ch.ids, 1, 2) });
  });

  it('400 VALIDATION_FAILED for hostile or invalid query strings', async () => {
    const cursor = ch.ids[3]!;
    const bad = [
      'limit=0',
      'limit=101',
      'limit=1e9',
      'limit=-1',
      'limit=1.5',
      'limit=abc',
      'limit=',
      'limit=1&limit=2',
      'limit[$gt]=1',
      'before[$gt]=',
      `before[$gt]=${cursor}`,
      'before=zzzzzzzzzzzzzzzzzzzzzzzz',
      'before=123',
      `before=${cursor}0`,
      `before=${cursor}&before=${cursor}`,
      `before=${cursor}&after=${cursor}`,
      `around=${cursor}&after=${cursor}`,
      'after=',
      'around={"$ne":null}',
      `sort=asc`,
      `skip=10`,
      `__proto__[x]=1`,
      '__proto__=1',
      'constructor=1',
      'limit=%00',
      'limit=%EF%BC%95', // a full-width digit 5
      `before=${cursor.slice(0, 23)}%00`,
    ];
    for (const q of bad) {
      const res = await request(world.svc.app).get(`/api/channels/${ch.channelId}/messages?${q}`).set('Authorization', token(alice));
      expect(res.status, q).toBe(400);
      const body = ErrorBody.parse(res.body);
      expect(body.error.code, q).toBe('VALIDATION_FAILED');
      expect(Array.isArray(body.error.details), q).toBe(true);
    }
    for (const path of ['not-an-id', '123', `${ch.channelId}0`]) {
      const res = await request(world.svc.app).get(`/api/channels/${path}/messages`).set('Authorization', token(alice));
      expect(res.status, path).toBe(400);
    }
  });
});
