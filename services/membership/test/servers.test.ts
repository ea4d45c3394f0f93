import { beforeAll, describe, expect, it } from 'vitest';
import { CategoriesResponse, ErrorBody, ExploreServersResponse, ServerDetail, type AuthResponse } from '@chorus/contracts';
import { expectError, useHarness, bearer } from './harness.js';

const h = useHarness('servers', { tap: true });
let owner: AuthResponse;
let other: AuthResponse;
beforeAll(async () => {
  [owner, other] = await Promise.all([h.register('owner'), h.register('other')]);
});

const create = async (who: AuthResponse, body: object) => {
  const res = await h.api.post('/api/servers').set('authorization', bearer(who)).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return ServerDetail.parse(res.body);
};
const explore = async (query: string, who?: AuthResponse) => {
  const req = h.api.get(`/api/servers${query}`);
  if (who) req.set('authorization', bearer(who));
  const res = await req;
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ExploreServersResponse.parse(res.body).servers;
};

describe('categories', () => {
  it('lists the seeded defaults publicly', async () => {
    const res = await h.api.get('/api/categories');
    expect(res.status).toBe(200);
    const names = CategoriesResponse.parse(res.body).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['Gaming', 'Music', 'Education']));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('create', () => {
  it('makes the caller owner and first member, with one `general` channel', async () => {
    const s = await create(owner, { name: '  Rustaceans ', description: 'crabs', category: 'science & TECH' });
    expect(s).toMatchObject({
      name: 'Rustaceans',
      description: 'crabs',
      category: 'Science & Tech',
      ownerId: owner.user.id,
      memberCount: 1,
    });
    expect(s.channels).toEqual([{ id: expect.any(String), serverId: s.id, name: 'general', topic: '' }]);
    const isMember = await h.api.get(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(owner));
    expect(isMember.body).toMatchObject({ isMember: true, roleIds: [] });
    const joined = await h.tap.next('member.joined', (p) => p.serverId === s.id);
    expect(joined.payload.userId).toBe(owner.user.id);
  });

  it('defaults: no description is "", no category is null', async () => {
    expect(await create(owner, { name: 'Plain' })).toMatchObject({ description: '', category: null });
  });

  it('needs a token', async () => {
    expectError(await h.api.post('/api/servers').send({ name: 'x' }), 401, 'UNAUTHENTICATED');
  });

  it('an unknown category is a 400 naming the field', async () => {
    const res = await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'x', category: 'Knitting' });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(ErrorBody.parse(res.body).error.details).toEqual([expect.objectContaining({ path: 'category' })]);
  });

  it.each([{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(101) }, { name: 'ok', description: 'd'.repeat(1001) }])(
    'rejects %j',
    async (body) => {
      expectError(await h.api.post('/api/servers').set('authorization', bearer(owner)).send(body), 400, 'VALIDATION_FAILED');
    },
  );
});

describe('explore', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    ids = {};
    for (const [name, category, who] of [
      ['Jazz Cats', 'Music', other],
      ['Rock (Classic)', 'Music', owner],
      ['Speedrunners', 'Gaming', other],
      ['a.b.c', null, other],
      ['abc', null, other],
    ] as const) {
      ids[name] = (await create(who, { name, ...(category ? { category } : {}) })).id;
    }
  });

  it('is public, newest first', async () => {
    const list = await explore('');
    const pos = (name: string) => list.findIndex((s) => s.name === name);
    expect(pos('abc')).toBeLessThan(pos('a.b.c'));
    expect(pos('a.b.c')).toBeLessThan(pos('Jazz Cats'));
    const times = list.map((s) => s.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by category, case-insensitively', async () => {
    const names = (await explore('?category=music')).map((s) => s.name);
    expect(names).toEqual(['Rock (Classic)', 'Jazz Cats']);
  });

  it('an unknown category matches nothing', async () => {
    expect(await explore('?category=Knitting')).toEqual([]);
  });

  it('searches names case-insensitively by substring', async () => {
    expect((await explore('?q=JAZZ')).map((s) => s.name)).toEqual(['Jazz Cats']);
    expect((await explore('?q=cats')).map((s) => s.name)).toEqual(['Jazz Cats']);
  });

  it('treats regex metacharacters literally', async () => {
    expect((await explore(`?q=${encodeURIComponent('a.b')}`)).map((s) => s.name)).toEqual(['a.b.c']);
    expect((await explore(`?q=${encodeURIComponent('(classic)')}`)).map((s) => s.name)).toEqual(['Rock (Classic)']);
    expect(await explore(`?q=${encodeURIComponent('.*')}`)).toEqual([]);
    expect(await explore(`?q=${encodeURIComponent('(a+)+$')}`)).toEqual([]);
  });

  it("member=@me lists the caller's servers and needs a token", async () => {
    const mine = (await explore('?member=@me', other)).map((s) => s.name);
    expect(mine).toEqual(['abc', 'a.b.c', 'Speedrunners', 'Jazz Cats']);
    expectError(await h.api.get('/api/servers?member=@me'), 401, 'UNAUTHENTICATED');
    expectError(await h.api.get('/api/servers').set('authorization', 'Bearer nope'), 401, 'UNAUTHENTICATED');
  });

  it('filters combine', async () => {
    expect((await explore('?category=Music&q=jazz')).map((s) => s.name)).toEqual(['Jazz Cats']);
    expect((await explore('?category=Music&member=@me', owner)).map((s) => s.name)).toEqual(['Rock (Classic)']);
    expect(await explore('?category=Gaming&q=jazz')).toEqual([]);
  });

  it('limit bounds the page; default is 50', async () => {
    expect(await explore('?limit=2')).toHaveLength(2);
    for (let i = 0; i < 50; i++) await create(owner, { name: `bulk ${i}` });
    expect(await explore('')).toHaveLength(50);
    expect(await explore('?limit=100')).toHaveLength(57);
  });

  it.each([
    '?limit=0',
    '?limit=101',
    '?limit=abc',
    '?limit=1e2',
    '?limit=5&limit=6',
    '?member=you',
    '?sort=name',
    '?q=',
    `?q=${'x'.repeat(101)}`,
  ])('%s is a 400', async (query) => {
    expectError(await h.api.get(`/api/servers${query}`), 400, 'VALIDATION_FAILED');
  });
});

describe('get, update, delete', () => {
  it('get returns the server with its channels; unknown → 404; bad id → 400', async () => {
    const s = await create(owner, { name: 'Readable' });
    const res = await h.api.get(`/api/servers/${s.id}`);
    expect(res.status).toBe(200);
    expect(ServerDetail.parse(res.body)).toEqual(s);
    expectError(await h.api.get(`/api/servers/${'f'.repeat(24)}`), 404, 'NOT_FOUND');
    expectError(await h.api.get('/api/servers/not-an-id'), 400, 'VALIDATION_FAILED');
  });

  it('the owner can update; the category can be cleared', async () => {
    const s = await create(owner, { name: 'Old', category: 'Gaming' });
    const res = await h.api
      .patch(`/api/servers/${s.id}`)
      .set('authorization', bearer(owner))
      .send({ name: 'New', description: 'better', category: null });
    expect(res.status).toBe(200);
    expect(ServerDetail.parse(res.body)).toMatchObject({ id: s.id, name: 'New', description: 'better', category: null });
    const again = await h.api.patch(`/api/servers/${s.id}`).set('authorization', bearer(owner)).send({ category: 'music' });
    expect(again.body.category).toBe('Music');
  });

  it('a non-owner cannot modify or delete (403 FORBIDDEN), even as a member', async () => {
    const s = await create(owner, { name: 'Guarded' });
    await h.api.put(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(other)).expect(201);
    expectError(await h.api.patch(`/api/servers/${s.id}`).set('authorization', bearer(other)).send({ name: 'pwned' }), 403, 'FORBIDDEN');
    expectError(await h.api.delete(`/api/servers/${s.id}`).set('authorization', bearer(other)), 403, 'FORBIDDEN');
    expect((await h.api.get(`/api/servers/${s.id}`)).body.name).toBe('Guarded');
  });

  it('update validates, and unknown servers are 404', async () => {
    const s = await create(owner, { name: 'Valid' });
    expectError(await h.api.patch(`/api/servers/${s.id}`).set('authorization', bearer(owner)).send({}), 400, 'VALIDATION_FAILED');
    expectError(
      await h.api.patch(`/api/servers/${s.id}`).set('authorization', bearer(owner)).send({ category: 'Nope' }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await h.api
        .patch(`/api/servers/${'a'.repeat(24)}`)
        .set('authorization', bearer(owner))
        .send({ name: 'x' }),
      404,
      'NOT_FOUND',
    );
    expectError(await h.api.delete(`/api/servers/${'a'.repeat(24)}`).set('authorization', bearer(owner)), 404, 'NOT_FOUND');
    expectError(await h.api.patch(`/api/servers/${s.id}`).send({ name: 'x' }), 401, 'UNAUTHENTICATED');
  });

  it('delete removes the server, its channels and memberships, and publishes server.deleted', async () => {
    const s = await create(owner, { name: 'Doomed' });
    const extra = await h.api.post(`/api/servers/${s.id}/channels`).set('authorization', bearer(owner)).send({ name: 'random' });
    await h.api.put(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(other)).expect(201);
    expect((await h.api.delete(`/api/servers/${s.id}`).set('authorization', bearer(owner))).status).toBe(204);
    expectError(await h.api.get(`/api/servers/${s.id}`), 404, 'NOT_FOUND');
    expect(await h.service.infra.models.Channel.countDocuments({ serverId: s.id })).toBe(0);
    expect(await h.service.infra.models.Member.countDocuments({ serverId: s.id })).toBe(0);
    const event = await h.tap.next('server.deleted', (p) => p.serverId === s.id);
    expect(event.payload.channelIds.sort()).toEqual([s.channels[0]!.id, extra.body.id].sort());
    expect(event.payload.memberIds.sort()).toEqual([owner.user.id, other.user.id].sort());
    expect(event.producer).toBe('membership');
    expectError(await h.api.put(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(other)), 404, 'NOT_FOUND');
  });
});
