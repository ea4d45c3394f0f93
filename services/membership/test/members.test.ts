import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, JoinResponse, ListMembersResponse, ServerDetail, type AuthResponse } from '@chorus/contracts';
import { expectError, useHarness, bearer } from './harness.js';

const h = useHarness('members', { tap: true });
let owner: AuthResponse;
let users: AuthResponse[];
beforeAll(async () => {
  owner = await h.register('owner');
  users = await h.registerNumbered('user', 6);
});

const newServer = async () =>
  ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'Club' })).body);
const me = (serverId: string) => `/api/servers/${serverId}/members/@me`;
const memberCount = async (serverId: string) => ServerDetail.parse((await h.api.get(`/api/servers/${serverId}`)).body).memberCount;

describe('join', () => {
  it('201 with the membership, member.joined published, memberCount up', async () => {
    const s = await newServer();
    const u = users[0]!;
    const res = await h.api.put(me(s.id)).set('authorization', bearer(u));
    expect(res.status).toBe(201);
    expect(JoinResponse.parse(res.body)).toMatchObject({ serverId: s.id, userId: u.user.id });
    await h.tap.next('member.joined', (p) => p.serverId === s.id && p.userId === u.user.id);
    expect(await memberCount(s.id)).toBe(2);
    expect((await h.api.get(me(s.id)).set('authorization', bearer(u))).body).toEqual({
      isMember: true,
      permissions: ['CREATE_INVITES', 'SEND_MESSAGES', 'READ_HISTORY'],
      roleIds: [],
    });
  });

  it('already a member → 409 ALREADY_MEMBER (the owner too)', async () => {
    const s = await newServer();
    await h.api.put(me(s.id)).set('authorization', bearer(users[0]!)).expect(201);
    expectError(await h.api.put(me(s.id)).set('authorization', bearer(users[0]!)), 409, 'ALREADY_MEMBER');
    expectError(await h.api.put(me(s.id)).set('authorization', bearer(owner)), 409, 'ALREADY_MEMBER');
    expect(await memberCount(s.id)).toBe(2);
  });

  it('concurrent double-join yields exactly one membership', async () => {
    const s = await newServer();
    const u = users[1]!;
    const results = await Promise.all(Array.from({ length: 8 }, () => h.api.put(me(s.id)).set('authorization', bearer(u))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(await h.service.infra.models.Member.countDocuments({ serverId: s.id, userId: u.user.id })).toBe(1);
    expect(await memberCount(s.id)).toBe(2);
  });

  it('unknown server → 404, bad id → 400, no token → 401', async () => {
    expectError(await h.api.put(me('d'.repeat(24))).set('authorization', bearer(users[0]!)), 404, 'NOT_FOUND');
    expectError(await h.api.put(me('zzz')).set('authorization', bearer(users[0]!)), 400, 'VALIDATION_FAILED');
    expectError(await h.api.put(me('d'.repeat(24))), 401, 'UNAUTHENTICATED');
  });
});

describe('leave', () => {
  it('204, member.left published, memberCount down, isMember false', async () => {
    const s = await newServer();
    const u = users[2]!;
    await h.api.put(me(s.id)).set('authorization', bearer(u)).expect(201);
    expect((await h.api.delete(me(s.id)).set('authorization', bearer(u))).status).toBe(204);
    await h.tap.next('member.left', (p) => p.serverId === s.id && p.userId === u.user.id);
    expect(await memberCount(s.id)).toBe(1);
    expect((await h.api.get(me(s.id)).set('authorization', bearer(u))).body).toEqual({ isMember: false, permissions: [], roleIds: [] });
  });

  it('not a member → 404 NOT_FOUND saying so', async () => {
    const s = await newServer();
    const error = expectError(await h.api.delete(me(s.id)).set('authorization', bearer(users[3]!)), 404, 'NOT_FOUND');
    expect(error.message).toMatch(/not a member/i);
  });

  it('the owner → 409 OWNER_CANNOT_LEAVE', async () => {
    const s = await newServer();
    expectError(await h.api.delete(me(s.id)).set('authorization', bearer(owner)), 409, 'OWNER_CANNOT_LEAVE');
    expect((await h.api.get(me(s.id)).set('authorization', bearer(owner))).body).toEqual({
      isMember: true,
      permissions: [...ALL_PERMISSIONS],
      roleIds: [],
    });
  });

  it('concurrent double-leave: one 204, one 404, memberCount right', async () => {
    const s = await newServer();
    const u = users[4]!;
    await h.api.put(me(s.id)).set('authorization', bearer(u)).expect(201);
    const results = await Promise.all([1, 2].map(() => h.api.delete(me(s.id)).set('authorization', bearer(u))));
    expect(results.map((r) => r.status).sort()).toEqual([204, 404]);
    expect(await memberCount(s.id)).toBe(1);
  });

  it('unknown server → 404', async () => {
    expectError(await h.api.delete(me('e'.repeat(24))).set('authorization', bearer(users[0]!)), 404, 'NOT_FOUND');
  });
});

describe('is-member', () => {
  it('false for a stranger, 404 for an unknown server', async () => {
    const s = await newServer();
    expect((await h.api.get(me(s.id)).set('authorization', bearer(users[5]!))).body).toEqual({
      isMember: false,
      permissions: [],
      roleIds: [],
    });
    expectError(await h.api.get(me('e'.repeat(24))).set('authorization', bearer(users[5]!)), 404, 'NOT_FOUND');
  });
});

describe('list members', () => {
  let s: ServerDetail;
  beforeAll(async () => {
    s = await newServer();
    for (const u of users) await h.api.put(me(s.id)).set('authorization', bearer(u)).expect(201);
  });
  const list = (query: string, who: AuthResponse = owner) =>
    h.api.get(`/api/servers/${s.id}/members${query}`).set('authorization', bearer(who));

  it('in join order, with usernames', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    const members = ListMembersResponse.parse(res.body).members;
    expect(members.map((m) => m.username)).toEqual(['owner', ...users.map((u) => u.user.username)]);
  });

  it('pages with limit and after=<userId>', async () => {
    const first = ListMembersResponse.parse((await list('?limit=3')).body).members;
    expect(first.map((m) => m.username)).toEqual(['owner', 'user0', 'user1']);
    const second = ListMembersResponse.parse((await list(`?limit=3&after=${first[2]!.userId}`)).body).members;
    expect(second.map((m) => m.username)).toEqual(['user2', 'user3', 'user4']);
    const last = ListMembersResponse.parse((await list(`?limit=3&after=${second[2]!.userId}`)).body).members;
    expect(last.map((m) => m.username)).toEqual(['user5']);
  });

  it('members only: others get 403 NOT_MEMBER', async () => {
    const stranger = await h.register('stranger');
    expectError(await list('', stranger), 403, 'NOT_MEMBER');
  });

  it('unknown server → 404; bad query → 400', async () => {
    expectError(await h.api.get(`/api/servers/${'e'.repeat(24)}/members`).set('authorization', bearer(owner)), 404, 'NOT_FOUND');
    for (const q of ['?limit=0', '?limit=101', '?after=xyz', '?foo=1', `?after=${'f'.repeat(24)}`]) {
      expectError(await list(q), 400, 'VALIDATION_FAILED');
    }
  });
});
