import { beforeAll, describe, expect, it } from 'vitest';
import { Invite, Role, ServerDetail, type AuthResponse } from '@chorus/contracts';
import { expectError, useHarness, bearer } from './harness.js';

/** SPEC 14 × 15: who may create, list and revoke invites, and bans against redemption. */
const h = useHarness('invite-perms');
let owner: AuthResponse;
let users: AuthResponse[];
beforeAll(async () => {
  owner = await h.register('ip_owner');
  users = await h.registerNumbered('ip_user', 6);
}, 60_000);

const as = (who: AuthResponse) => ({ authorization: bearer(who) });
const newServer = async () =>
  ServerDetail.parse((await h.api.post('/api/servers').set(as(owner)).send({ name: 'perm club' }).expect(201)).body);
const join = (serverId: string, who: AuthResponse) => h.api.put(`/api/servers/${serverId}/members/@me`).set(as(who)).expect(201);
const invites = (serverId: string) => `/api/servers/${serverId}/invites`;
const createInvite = async (serverId: string, who: AuthResponse, body: object = {}) =>
  Invite.parse((await h.api.post(invites(serverId)).set(as(who)).send(body).expect(201)).body);
const grantRole = async (serverId: string, who: AuthResponse, permissions: string[]) => {
  const role = Role.parse(
    (await h.api.post(`/api/servers/${serverId}/roles`).set(as(owner)).send({ name: 'granted', permissions }).expect(201)).body,
  );
  await h.api.put(`/api/servers/${serverId}/members/${who.user.id}/roles/${role.id}`).set(as(owner)).expect(204);
};

describe('invite permissions', () => {
  it('CREATE_INVITES: every member by default (@everyone); taken from @everyone, only a role holding it may create', async () => {
    const s = await newServer();
    const [plain, inviter] = [users[0]!, users[1]!];
    await join(s.id, plain);
    await join(s.id, inviter);
    await createInvite(s.id, plain);
    await h.api
      .patch(`/api/servers/${s.id}/roles/${s.id}`)
      .set(as(owner))
      .send({ permissions: ['SEND_MESSAGES', 'READ_HISTORY'] })
      .expect(200);
    expectError(await h.api.post(invites(s.id)).set(as(plain)).send({}), 403, 'FORBIDDEN');
    await grantRole(s.id, inviter, ['CREATE_INVITES']);
    await createInvite(s.id, inviter);
    // The owner holds every permission.
    await createInvite(s.id, owner);
  });

  it('MANAGE_SERVER lists and revokes anyone’s invites; without it only one’s own can be revoked', async () => {
    const s = await newServer();
    const [manager, member] = [users[2]!, users[3]!];
    await join(s.id, manager);
    await join(s.id, member);
    const ownersInvite = await createInvite(s.id, owner);
    const membersInvite = await createInvite(s.id, member);
    expectError(await h.api.get(invites(s.id)).set(as(manager)), 403, 'FORBIDDEN');
    expectError(await h.api.delete(`/api/invites/${ownersInvite.code}`).set(as(member)), 403, 'FORBIDDEN');
    await grantRole(s.id, manager, ['MANAGE_SERVER']);
    const listed = (await h.api.get(invites(s.id)).set(as(manager)).expect(200)).body.invites.map((i: Invite) => i.code);
    expect(listed.sort()).toEqual([ownersInvite.code, membersInvite.code].sort());
    await h.api.delete(`/api/invites/${ownersInvite.code}`).set(as(manager)).expect(204);
    await h.api.delete(`/api/invites/${membersInvite.code}`).set(as(member)).expect(204);
    expect((await h.api.get(invites(s.id)).set(as(owner)).expect(200)).body.invites).toEqual([]);
  });
});

describe('bans and invites', () => {
  it('a banned user cannot redeem (403 FORBIDDEN, no use counted); once unbanned they can', async () => {
    const s = await newServer();
    const troll = users[4]!;
    await join(s.id, troll);
    await h.api.put(`/api/servers/${s.id}/bans/${troll.user.id}`).set(as(owner)).send({ reason: 'spam' }).expect(204);
    const invite = await createInvite(s.id, owner, { maxUses: 1 });
    expectError(await h.api.post(`/api/invites/${invite.code}`).set(as(troll)), 403, 'FORBIDDEN');
    expectError(await h.api.put(`/api/servers/${s.id}/members/@me`).set(as(troll)), 403, 'FORBIDDEN');
    expect((await h.service.infra.models.Invite.findOne({ code: invite.code }).lean())!.uses).toBe(0);
    expect((await h.api.get(`/api/servers/${s.id}/members/@me`).set(as(troll))).body.isMember).toBe(false);
    await h.api.delete(`/api/servers/${s.id}/bans/${troll.user.id}`).set(as(owner)).expect(204);
    expect((await h.api.post(`/api/invites/${invite.code}`).set(as(troll))).status).toBe(201);
  });
});
