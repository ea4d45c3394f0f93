import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, topologyNames, type AuthzResponse, type ServerDetail } from '@chorus/contracts';
import { connectBroker, createAuthzClient, createLogger, type AmqpConnectionManager, type AuthzClient } from '@chorus/runtime';
import { useHarness } from './harness.js';
import { community, type User } from './community.js';

/**
 * SPEC 15 through the authorization RPC (what gateway and history enforce from): the answer carries the
 * caller's effective permissions in the channel, computed afresh on every question.
 */
const h = useHarness('authz-permissions');
const c = community(h);
let owner: User;
let mod: User;
let member: User;
let admin: User;
let broker: AmqpConnectionManager;
let authz: AuthzClient;
beforeAll(async () => {
  [owner, mod, member, admin] = (await Promise.all(['owner', 'mod', 'member', 'admin'].map((n) => h.register(n)))) as [
    User,
    User,
    User,
    User,
  ];
  const logger = createLogger('authz-caller', 'silent');
  broker = connectBroker(h.iso.amqpUrl, logger, 'authz-permissions');
  authz = createAuthzClient({ connection: broker, names: topologyNames(h.iso.amqpPrefix), logger, cacheTtlMs: 0 });
  await new Promise<void>((resolve) => (broker.isConnected() ? resolve() : broker.once('connect', () => resolve())));
});
afterAll(async () => {
  await authz?.close();
  await broker?.close();
});

const permissionsOf = (answer: AuthzResponse) => (answer.status === 'allowed' ? answer.permissions : undefined);
const override = (s: ServerDetail, channelId: string, roleId: string, body: object) =>
  h.api.put(`/api/servers/${s.id}/channels/${channelId}/overrides/${roleId}`).set(c.as(owner)).send(body).expect(200);

/** "announcements": read-only for @everyone, but Moderators may post. */
async function announcements() {
  const s = await c.server(owner);
  const channel = (await h.api.post(`/api/servers/${s.id}/channels`).set(c.as(owner)).send({ name: 'announcements' }).expect(201)).body as {
    id: string;
  };
  const mods = await c.memberWith(owner, s.id, mod, ['MANAGE_MESSAGES'], 5);
  await c.memberWith(owner, s.id, admin, ['ADMINISTRATOR'], 2);
  await c.join(member, s.id);
  await override(s, channel.id, s.id, { deny: ['SEND_MESSAGES'] });
  await override(s, channel.id, mods.id, { allow: ['SEND_MESSAGES'] });
  return { s, channel: channel.id, general: s.channels[0]!.id, mods };
}

describe('the authorization answer carries effective permissions', () => {
  it('an override makes a channel read-only for @everyone but not for Moderators (deny, then a role’s allow)', async () => {
    const { channel, general } = await announcements();
    expect(permissionsOf(await authz.check(member.user.id, channel))).toEqual(['CREATE_INVITES', 'READ_HISTORY']);
    expect(permissionsOf(await authz.check(mod.user.id, channel))).toEqual([
      'MANAGE_MESSAGES',
      'CREATE_INVITES',
      'SEND_MESSAGES',
      'READ_HISTORY',
    ]);
    // Other channels are untouched.
    expect(permissionsOf(await authz.check(member.user.id, general))).toContain('SEND_MESSAGES');
    // Owner and ADMINISTRATOR are above overrides.
    expect(permissionsOf(await authz.check(owner.user.id, channel))).toEqual([...ALL_PERMISSIONS]);
    expect(permissionsOf(await authz.check(admin.user.id, channel))).toEqual([...ALL_PERMISSIONS]);
  });

  it('a role’s deny overrides @everyone’s allow only within its own stage; a role allow beats a role deny', async () => {
    const { s, channel, mods } = await announcements();
    const muted = await c.role(owner, s.id, { name: 'Muted', position: 1 });
    await c.grant(owner, s.id, mod.user.id, muted.id);
    await override(s, channel, muted.id, { deny: ['SEND_MESSAGES', 'READ_HISTORY'] });
    // mod holds Mods (allow SEND) and Muted (deny SEND, READ): allows win over denies among roles.
    expect(permissionsOf(await authz.check(mod.user.id, channel))).toEqual(['MANAGE_MESSAGES', 'CREATE_INVITES', 'SEND_MESSAGES']);
    await h.api.delete(`/api/servers/${s.id}/members/${mod.user.id}/roles/${mods.id}`).set(c.as(owner)).expect(204);
    expect(permissionsOf(await authz.check(mod.user.id, channel))).toEqual(['CREATE_INVITES']);
  });

  it('changes are in force on the very next question: roles, @everyone, overrides, kick', async () => {
    const { s, channel } = await announcements();
    await h.api
      .patch(`/api/servers/${s.id}/roles/${s.id}`)
      .set(c.as(owner))
      .send({ permissions: ['READ_HISTORY'] })
      .expect(200);
    expect(permissionsOf(await authz.check(member.user.id, s.channels[0]!.id))).toEqual(['READ_HISTORY']);
    await h.api.delete(`/api/servers/${s.id}/channels/${channel}/overrides/${s.id}`).set(c.as(owner)).expect(204);
    expect(permissionsOf(await authz.check(member.user.id, channel))).toEqual(['READ_HISTORY']);
    await h.api.delete(`/api/servers/${s.id}/members/${member.user.id}`).set(c.as(owner)).expect(204);
    expect((await authz.check(member.user.id, channel)).status).toBe('not_member');
  });

  it('server-channels (read states) lists only the channels the user may read', async () => {
    const { s, channel, general } = await announcements();
    const secret = (await h.api.post(`/api/servers/${s.id}/channels`).set(c.as(owner)).send({ name: 'mods-only' }).expect(201)).body
      .id as string;
    await override(s, secret, s.id, { deny: ['READ_HISTORY'] });
    const ids = async (u: User) => {
      const answer = await authz.channels({ kind: 'server-channels', userId: u.user.id, serverId: s.id });
      return answer.status === 'allowed' ? answer.channels.map((x) => x.id) : answer.status;
    };
    expect(await ids(member)).toEqual([general, channel]);
    expect(await ids(owner)).toEqual([general, channel, secret]);
    expect(await ids(admin)).toEqual([general, channel, secret]);
    expect(permissionsOf(await authz.check(member.user.id, secret))).not.toContain('READ_HISTORY');
  });
});
