import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { ErrorBody, Invite, ServerDetail, type AuthResponse } from '@chorus/contracts';
import { bearer, startHarness, type Harness } from './harness.js';

/** SPEC 3 quotas at their defaults (100 servers per user, 500 channels per server) and set low by config. */
let h: Harness;
let low: Harness;
beforeAll(async () => {
  [h, low] = await Promise.all([
    startHarness('quotas'),
    startHarness('quotas-low', { MAX_SERVERS_PER_USER: '3', MAX_CHANNELS_PER_SERVER: '2', MAX_ROLES_PER_SERVER: '3' }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([h?.close(), low?.close()]);
});

function expectLimit(res: { status: number; body: unknown }, limit: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(403);
  const error = ErrorBody.parse(res.body).error;
  expect(error.code).toBe('LIMIT_REACHED');
  expect(error.details).toEqual({ limit });
}

const as = (who: AuthResponse) => ({ authorization: bearer(who) });
const create = (hh: Harness, who: AuthResponse, name = 'q') => hh.api.post('/api/servers').set(as(who)).send({ name });
const join = (hh: Harness, serverId: string, who: AuthResponse) => hh.api.put(`/api/servers/${serverId}/members/@me`).set(as(who));

describe('servers per user, at the default (100)', () => {
  it('the 100th server is created, the 101st refused 403 LIMIT_REACHED {limit: 100}', async () => {
    const ada = await h.register('q_ada');
    for (let i = 1; i <= 100; i++) expect((await create(h, ada, `s${i}`)).status).toBe(201);
    expectLimit(await create(h, ada, 's101'), 100);
    expect(await h.service.infra.models.Server.countDocuments({ ownerId: ada.user.id })).toBe(100);
  }, 120_000);

  it('joining counts too: a member of 100 servers cannot join a 101st', async () => {
    const [bob, host] = [await h.register('q_bob'), await h.register('q_host')];
    // 99 memberships of servers that need not exist (the quota counts memberships), then two real joins.
    await h.service.infra.models.Member.insertMany(
      Array.from({ length: 99 }, (_, i) => ({
        serverId: new Types.ObjectId(),
        userId: new Types.ObjectId(bob.user.id),
        username: 'q_bob',
        joinedAt: new Date(Date.now() - i),
      })),
    );
    const [a, b] = [ServerDetail.parse((await create(h, host, 'a')).body), ServerDetail.parse((await create(h, host, 'b')).body)];
    expect((await join(h, a.id, bob)).status).toBe(201);
    expectLimit(await join(h, b.id, bob), 100);
    expectLimit(await create(h, bob), 100);
  });
});

describe('channels per server, at the default (500)', () => {
  it('the 500th channel is created, the 501st refused', async () => {
    const cat = await h.register('q_cat');
    const s = ServerDetail.parse((await create(h, cat)).body);
    // `general` + 498 inserted directly = 499; the 500th and 501st go through the API.
    await h.service.infra.models.Channel.insertMany(
      Array.from({ length: 498 }, (_, i) => ({ serverId: new Types.ObjectId(s.id), name: `c${i}`, topic: '', createdAt: new Date() })),
    );
    const channel = (name: string) => h.api.post(`/api/servers/${s.id}/channels`).set(as(cat)).send({ name });
    expect((await channel('c500')).status).toBe(201);
    expectLimit(await channel('c501'), 500);
    expect(await h.service.infra.models.Channel.countDocuments({ serverId: s.id })).toBe(500);
  });
});

describe('roles per server, at the default (250, @everyone included)', () => {
  it('the 250th role is created, the 251st refused', async () => {
    const ivy = await h.register('q_ivy');
    const s = ServerDetail.parse((await create(h, ivy)).body);
    // @everyone + 248 inserted directly = 249; the 250th and 251st go through the API.
    await h.service.infra.models.Role.insertMany(
      Array.from({ length: 248 }, (_, i) => ({
        serverId: new Types.ObjectId(s.id),
        name: `r${i}`,
        permissions: [],
        position: 1,
        createdAt: new Date(),
      })),
    );
    const role = (name: string) => h.api.post(`/api/servers/${s.id}/roles`).set(as(ivy)).send({ name });
    expect((await role('r250')).status).toBe(201);
    expectLimit(await role('r251'), 250);
    expect(await h.service.infra.models.Role.countDocuments({ serverId: s.id })).toBe(249);
  });
});

describe('quotas set low in the config', () => {
  it('roles: @everyone and 2 more fill a quota of 3; deleting one frees a slot', async () => {
    const jo = await low.register('ql_jo');
    const s = ServerDetail.parse((await create(low, jo)).body);
    const role = (name: string) => low.api.post(`/api/servers/${s.id}/roles`).set(as(jo)).send({ name });
    const first = await role('one');
    expect(first.status).toBe(201);
    expect((await role('two')).status).toBe(201);
    expectLimit(await role('three'), 3);
    await low.api.delete(`/api/servers/${s.id}/roles/${first.body.id}`).set(as(jo)).expect(204);
    expect((await role('three')).status).toBe(201);
  });

  it('servers: the 3rd is created, the 4th refused; leaving one frees a slot', async () => {
    const [dan, host] = [await low.register('ql_dan'), await low.register('ql_host')];
    for (let i = 1; i <= 3; i++) expect((await create(low, dan, `d${i}`)).status).toBe(201);
    expectLimit(await create(low, dan), 3);
    const other = ServerDetail.parse((await create(low, host)).body);
    expectLimit(await join(low, other.id, dan), 3);
    expect((await low.api.get(`/api/servers/${other.id}/members/@me`).set(as(dan))).body.isMember).toBe(false);
    const mine = ServerDetail.parse((await create(low, host, 'host2')).body);
    const eve = await low.register('ql_eve');
    expect((await join(low, mine.id, eve)).status).toBe(201);
    expect((await low.api.delete(`/api/servers/${mine.id}/members/@me`).set(as(eve))).status).toBe(204);
  });

  it('an invite at the quota is refused LIMIT_REACHED and its use given back', async () => {
    const [fay, host] = [await low.register('ql_fay'), await low.register('ql_host2')];
    for (let i = 1; i <= 3; i++) expect((await create(low, fay, `f${i}`)).status).toBe(201);
    const s = ServerDetail.parse((await create(low, host)).body);
    const invite = Invite.parse((await low.api.post(`/api/servers/${s.id}/invites`).set(as(host)).send({ maxUses: 1 })).body);
    expectLimit(await low.api.post(`/api/invites/${invite.code}`).set(as(fay)), 3);
    expect((await low.service.infra.models.Invite.findOne({ code: invite.code }).lean())!.uses).toBe(0);
  });

  it('concurrent joins by one user never leave them past the quota', async () => {
    const [gus, host1, host2] = [await low.register('ql_gus'), await low.register('ql_host3'), await low.register('ql_host4')];
    for (let i = 1; i <= 2; i++) expect((await create(low, gus, `g${i}`)).status).toBe(201);
    const targets = [];
    // Each host owns 3 servers (their own quota).
    for (let i = 0; i < 6; i++) targets.push(ServerDetail.parse((await create(low, i < 3 ? host1 : host2, `t${i}`)).body));
    const results = await Promise.all(targets.map((t) => join(low, t.id, gus)));
    for (const r of results.filter((x) => x.status !== 201)) expectLimit(r, 3);
    expect(results.filter((r) => r.status === 201).length).toBeLessThanOrEqual(1);
    expect(await low.service.infra.models.Member.countDocuments({ userId: gus.user.id })).toBeLessThanOrEqual(3);
  });

  it('channels: the 2nd is created (general is the 1st), the 3rd refused', async () => {
    const hal = await low.register('ql_hal');
    const s = ServerDetail.parse((await create(low, hal)).body);
    const channel = (name: string) => low.api.post(`/api/servers/${s.id}/channels`).set(as(hal)).send({ name });
    expect((await channel('two')).status).toBe(201);
    expectLimit(await channel('three'), 2);
    // Deleting one frees the slot.
    await low.api.delete(`/api/servers/${s.id}/channels/${s.channels[0]!.id}`).set(as(hal)).expect(204);
    expect((await channel('three')).status).toBe(201);
  });
});
