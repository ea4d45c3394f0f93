import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, Invite, InvitePreview, ListInvitesResponse, ServerDetail, type AuthResponse } from '@chorus/contracts';
import { expectError, useHarness, bearer } from './harness.js';

const h = useHarness('invites', { tap: true });
let owner: AuthResponse;
let users: AuthResponse[];
beforeAll(async () => {
  owner = await h.register('inv_owner');
  users = await h.registerNumbered('inv_user', 20);
}, 60_000);

const as = (who: AuthResponse) => ({ authorization: bearer(who) });
const newServer = async (visibility?: 'public' | 'private', who = owner) =>
  ServerDetail.parse((await h.api.post('/api/servers').set(as(who)).send({ name: 'Secret club', visibility }).expect(201)).body);
const createInvite = async (serverId: string, body: object = {}, who = owner) => {
  const res = await h.api.post(`/api/servers/${serverId}/invites`).set(as(who)).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return Invite.parse(res.body);
};
const redeem = (code: string, who: AuthResponse) => h.api.post(`/api/invites/${code}`).set(as(who));
const memberCount = (serverId: string) => h.service.infra.models.Member.countDocuments({ serverId });

describe('create', () => {
  it('201 with a URL-safe CSPRNG code of 8–16 chars, 7 days and unlimited uses by default', async () => {
    const s = await newServer();
    const before = Date.now();
    const invite = await createInvite(s.id);
    expect(invite).toMatchObject({ serverId: s.id, inviterId: owner.user.id, uses: 0, maxUses: null });
    expect(invite.code).toMatch(/^[A-Za-z0-9_-]{8,16}$/);
    const ttl = Date.parse(invite.expiresAt) - before;
    expect(ttl).toBeGreaterThan(7 * 24 * 3600 * 1000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600 * 1000 + 60_000);
    const codes = new Set(await Promise.all(Array.from({ length: 20 }, async () => (await createInvite(s.id)).code)));
    expect(codes.size).toBe(20);
  });

  it('maxUses and expiresInSeconds are honoured; a member may create (CREATE_INVITES), a stranger may not', async () => {
    const s = await newServer();
    const invite = await createInvite(s.id, { maxUses: 3, expiresInSeconds: 60 });
    expect(invite.maxUses).toBe(3);
    expect(Date.parse(invite.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    await h.api.put(`/api/servers/${s.id}/members/@me`).set(as(users[0]!)).expect(201);
    expect((await createInvite(s.id, {}, users[0]!)).inviterId).toBe(users[0]!.user.id);
    expectError(await h.api.post(`/api/servers/${s.id}/invites`).set(as(users[1]!)).send({}), 403, 'NOT_MEMBER');
    expectError(await h.api.post(`/api/servers/aaaaaaaaaaaaaaaaaaaaaaaa/invites`).set(as(owner)).send({}), 404, 'NOT_FOUND');
    expectError(await h.api.post(`/api/servers/${s.id}/invites`).send({}), 401, 'UNAUTHENTICATED');
  });

  it.each([
    [{ maxUses: 0 }, 'maxUses'],
    [{ maxUses: 1001 }, 'maxUses'],
    [{ maxUses: 2.5 }, 'maxUses'],
    [{ maxUses: '5' }, 'maxUses'],
    [{ maxUses: 1e300 }, 'maxUses'],
    [{ expiresInSeconds: 59 }, 'expiresInSeconds'],
    [{ expiresInSeconds: 2_592_001 }, 'expiresInSeconds'],
    [{ expiresInSeconds: { $gt: 0 } }, 'expiresInSeconds'],
    [{ uses: 0 }, ''],
  ])('hostile body %j → 400 naming %s', async (body, path) => {
    const s = await newServer();
    const error = expectError(await h.api.post(`/api/servers/${s.id}/invites`).set(as(owner)).send(body), 400, 'VALIDATION_FAILED');
    expect(Array.isArray(error.details) && error.details.map((d) => d.path)).toContain(path);
  });

  it('a huge body → 413 PAYLOAD_TOO_LARGE in the error shape', async () => {
    const s = await newServer();
    const res = await h.api
      .post(`/api/servers/${s.id}/invites`)
      .set(as(owner))
      .send({ maxUses: 5, pad: 'x'.repeat(200_000) });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('preview, list and revoke', () => {
  it('the public preview shows the server; list needs MANAGE_SERVER; revoked → 404 everywhere', async () => {
    const s = await newServer('private');
    const invite = await createInvite(s.id, { maxUses: 10 });
    const preview = InvitePreview.parse((await h.api.get(`/api/invites/${invite.code}`).expect(200)).body);
    expect(preview).toEqual({
      code: invite.code,
      server: { id: s.id, name: 'Secret club', description: '', memberCount: 1 },
      expiresAt: invite.expiresAt,
    });
    const list = ListInvitesResponse.parse((await h.api.get(`/api/servers/${s.id}/invites`).set(as(owner)).expect(200)).body);
    expect(list.invites.map((i) => i.code)).toEqual([invite.code]);
    await redeem(invite.code, users[0]!).expect(201);
    expectError(await h.api.get(`/api/servers/${s.id}/invites`).set(as(users[0]!)), 403, 'FORBIDDEN');
    expectError(await h.api.get(`/api/servers/${s.id}/invites`).set(as(users[1]!)), 403, 'NOT_MEMBER');
    // Only the creator or MANAGE_SERVER may revoke.
    expectError(await h.api.delete(`/api/invites/${invite.code}`).set(as(users[0]!)), 403, 'FORBIDDEN');
    await h.api.delete(`/api/invites/${invite.code}`).set(as(owner)).expect(204);
    expectError(await h.api.get(`/api/invites/${invite.code}`), 404, 'NOT_FOUND');
    expectError(await redeem(invite.code, users[1]!), 404, 'NOT_FOUND');
    expectError(await h.api.delete(`/api/invites/${invite.code}`).set(as(owner)), 404, 'NOT_FOUND');
  });

  it('a member revokes their own invite', async () => {
    const s = await newServer();
    await h.api.put(`/api/servers/${s.id}/members/@me`).set(as(users[2]!)).expect(201);
    const invite = await createInvite(s.id, {}, users[2]!);
    await h.api.delete(`/api/invites/${invite.code}`).set(as(users[2]!)).expect(204);
    expectError(await h.api.get(`/api/invites/${invite.code}`), 404, 'NOT_FOUND');
  });

  it('expired and used-up invites are 404 and left out of the list; unknown codes 404; bad codes 400', async () => {
    const s = await newServer();
    const expired = await createInvite(s.id);
    await h.service.infra.models.Invite.updateOne({ code: expired.code }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const once = await createInvite(s.id, { maxUses: 1 });
    await redeem(once.code, users[3]!).expect(201);
    for (const code of [expired.code, once.code, 'Nope_nope-123']) {
      expectError(await h.api.get(`/api/invites/${code}`), 404, 'NOT_FOUND');
      expectError(await redeem(code, users[4]!), 404, 'NOT_FOUND');
    }
    const list = ListInvitesResponse.parse((await h.api.get(`/api/servers/${s.id}/invites`).set(as(owner))).body);
    expect(list.invites.map((i) => i.code)).not.toContain(expired.code);
    expect(list.invites.map((i) => i.code)).not.toContain(once.code);
    for (const code of ['short', 'x'.repeat(17), 'y'.repeat(4000), 'has%20space', 'dots.dots.', '%24where%3A1', 'ünïcødé123']) {
      const error = expectError(await h.api.get(`/api/invites/${code}`), 400, 'VALIDATION_FAILED');
      expect(Array.isArray(error.details) && error.details[0]!.path).toBe('code');
      expectError(await redeem(code, users[4]!), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('redeem', () => {
  it('201 {serverId}: the caller is a member of the private server, member.joined published, one use counted', async () => {
    const s = await newServer('private');
    const invite = await createInvite(s.id, { maxUses: 2 });
    const u = users[5]!;
    const res = await redeem(invite.code, u);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({ serverId: s.id });
    await h.tap.next('member.joined', (p) => p.serverId === s.id && p.userId === u.user.id);
    expect((await h.api.get(`/api/servers/${s.id}/members/@me`).set(as(u))).body.isMember).toBe(true);
    expect((await h.api.get(`/api/servers/${s.id}`).set(as(u))).body.memberCount).toBe(2);
    // Again: 409 and no use counted.
    expectError(await redeem(invite.code, u), 409, 'ALREADY_MEMBER');
    expectError(await redeem(invite.code, owner), 409, 'ALREADY_MEMBER');
    expect((await h.service.infra.models.Invite.findOne({ code: invite.code }).lean())!.uses).toBe(1);
  });

  it('a failed join gives its use back (the server was deleted)', async () => {
    const s = await newServer();
    const invite = await createInvite(s.id, { maxUses: 1 });
    await h.service.infra.models.Server.deleteOne({ _id: s.id });
    expectError(await redeem(invite.code, users[6]!), 404, 'NOT_FOUND');
    expect((await h.service.infra.models.Invite.findOne({ code: invite.code }).lean())!.uses).toBe(0);
  });

  it('20 parallel redemptions of a 5-use invite by 20 users → exactly 5 members and 15 refusals', async () => {
    const s = await newServer('private');
    const invite = await createInvite(s.id, { maxUses: 5 });
    const results = await Promise.all(users.map((u) => redeem(invite.code, u)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((st) => st === 201)).toHaveLength(5);
    expect(statuses.filter((st) => st === 404)).toHaveLength(15);
    for (const r of results.filter((x) => x.status !== 201)) expect(ErrorBody.parse(r.body).error.code).toBe('NOT_FOUND');
    expect(await memberCount(s.id)).toBe(6);
    expect((await h.service.infra.models.Invite.findOne({ code: invite.code }).lean())!.uses).toBe(5);
    expect((await h.api.get(`/api/servers/${s.id}`).set(as(owner))).body.memberCount).toBe(6);
  });
});

describe('private servers', () => {
  it('never in explore or search, only in member=@me; hidden from non-members; PUT members/@me → 403', async () => {
    const secret = await newServer('private');
    const open = await newServer('public');
    expect(secret.visibility).toBe('private');
    expect(open.visibility).toBe('public');
    const explore = (await h.api.get('/api/servers').query({ limit: 100 })).body.servers.map((x: { id: string }) => x.id);
    expect(explore).toContain(open.id);
    expect(explore).not.toContain(secret.id);
    const search = (await h.api.get('/api/servers').query({ q: 'secret' }).set(as(owner))).body.servers.map((x: { id: string }) => x.id);
    expect(search).toContain(open.id);
    expect(search).not.toContain(secret.id);
    const mine = (await h.api.get('/api/servers').query({ member: '@me', q: 'secret' }).set(as(owner))).body.servers;
    expect(mine.map((x: { id: string }) => x.id)).toContain(secret.id);
    expectError(await h.api.put(`/api/servers/${secret.id}/members/@me`).set(as(users[7]!)), 403, 'FORBIDDEN');
    expectError(await h.api.get(`/api/servers/${secret.id}`), 404, 'NOT_FOUND');
    expectError(await h.api.get(`/api/servers/${secret.id}`).set(as(users[7]!)), 404, 'NOT_FOUND');
    expect((await h.api.get(`/api/servers/${secret.id}`).set(as(owner))).status).toBe(200);
  });

  it('visibility can be changed by the owner, and bad visibility values are 400', async () => {
    const s = await newServer('public');
    const res = await h.api.patch(`/api/servers/${s.id}`).set(as(owner)).send({ visibility: 'private' });
    expect(res.status).toBe(200);
    expect(res.body.visibility).toBe('private');
    expectError(await h.api.put(`/api/servers/${s.id}/members/@me`).set(as(users[8]!)), 403, 'FORBIDDEN');
    for (const visibility of ['secret', 'PRIVATE', 1, null]) {
      const error = expectError(await h.api.post('/api/servers').set(as(owner)).send({ name: 'x', visibility }), 400, 'VALIDATION_FAILED');
      expect(Array.isArray(error.details) && error.details[0]!.path).toBe('visibility');
    }
  });
});
