import { beforeAll, describe, expect, it } from 'vitest';
import type { Permission, ServerDetail } from '@chorus/contracts';
import { useHarness, expectError } from './harness.js';
import { community, type User } from './community.js';

/**
 * SPEC 15: every permission on its endpoint, with a member who has it (through a role holding only
 * that permission) and a plain member who lacks it (403 FORBIDDEN in the SPEC 1 shape). The socket
 * side (SEND_MESSAGES, READ_HISTORY, MANAGE_MESSAGES) is enforced by gateway and history from the
 * authorization answer (authz-permissions.test.ts shows the answer); CREATE_INVITES by invites.
 */
const h = useHarness('permission-endpoints');
const c = community(h);
let owner: User;
let holder: User;
let lacker: User;
let target: User;
beforeAll(async () => {
  [owner, holder, lacker, target] = (await Promise.all(['owner', 'holder', 'lacker', 'target'].map((n) => h.register(n)))) as [
    User,
    User,
    User,
    User,
  ];
});

interface Setup {
  server: ServerDetail;
  /** A role below the holder's (position 1), for role and override endpoints. */
  low: { id: string };
}
type Call = (s: Setup, as: User) => Promise<{ status: number; body: unknown }>;

const cases: Array<{ permission: Permission; name: string; call: Call; ok: number }> = [
  {
    permission: 'MANAGE_SERVER',
    name: 'PATCH server',
    ok: 200,
    call: (s, u) => h.api.patch(`/api/servers/${s.server.id}`).set(c.as(u)).send({ name: 'Renamed' }),
  },
  {
    permission: 'MANAGE_CHANNELS',
    name: 'POST channel',
    ok: 201,
    call: (s, u) => h.api.post(`/api/servers/${s.server.id}/channels`).set(c.as(u)).send({ name: 'news' }),
  },
  {
    permission: 'MANAGE_CHANNELS',
    name: 'PATCH channel',
    ok: 200,
    call: (s, u) => h.api.patch(`/api/servers/${s.server.id}/channels/${s.server.channels[0]!.id}`).set(c.as(u)).send({ topic: 't' }),
  },
  {
    permission: 'MANAGE_CHANNELS',
    name: 'DELETE channel',
    ok: 204,
    call: (s, u) => h.api.delete(`/api/servers/${s.server.id}/channels/${s.server.channels[0]!.id}`).set(c.as(u)),
  },
  {
    permission: 'MANAGE_CHANNELS',
    name: 'PUT override',
    ok: 200,
    call: (s, u) =>
      h.api
        .put(`/api/servers/${s.server.id}/channels/${s.server.channels[0]!.id}/overrides/${s.server.id}`)
        .set(c.as(u))
        .send({ deny: ['SEND_MESSAGES'] }),
  },
  {
    permission: 'MANAGE_CHANNELS',
    name: 'GET overrides',
    ok: 200,
    call: (s, u) => h.api.get(`/api/servers/${s.server.id}/channels/${s.server.channels[0]!.id}/overrides`).set(c.as(u)),
  },
  {
    permission: 'MANAGE_CHANNELS',
    name: 'DELETE override',
    ok: 204,
    call: (s, u) => h.api.delete(`/api/servers/${s.server.id}/channels/${s.server.channels[0]!.id}/overrides/${s.low.id}`).set(c.as(u)),
  },
  {
    permission: 'MANAGE_ROLES',
    name: 'POST role',
    ok: 201,
    call: (s, u) => h.api.post(`/api/servers/${s.server.id}/roles`).set(c.as(u)).send({ name: 'Helpers' }),
  },
  {
    permission: 'MANAGE_ROLES',
    name: 'PATCH role',
    ok: 200,
    call: (s, u) => h.api.patch(`/api/servers/${s.server.id}/roles/${s.low.id}`).set(c.as(u)).send({ name: 'Lower' }),
  },
  {
    permission: 'MANAGE_ROLES',
    name: 'DELETE role',
    ok: 204,
    call: (s, u) => h.api.delete(`/api/servers/${s.server.id}/roles/${s.low.id}`).set(c.as(u)),
  },
  {
    permission: 'MANAGE_ROLES',
    name: 'PUT member role',
    ok: 204,
    call: (s, u) => h.api.put(`/api/servers/${s.server.id}/members/${target.user.id}/roles/${s.low.id}`).set(c.as(u)),
  },
  {
    permission: 'MANAGE_ROLES',
    name: 'DELETE member role',
    ok: 204,
    call: (s, u) => h.api.delete(`/api/servers/${s.server.id}/members/${target.user.id}/roles/${s.low.id}`).set(c.as(u)),
  },
  {
    permission: 'KICK_MEMBERS',
    name: 'kick',
    ok: 204,
    call: (s, u) => h.api.delete(`/api/servers/${s.server.id}/members/${target.user.id}`).set(c.as(u)),
  },
  {
    permission: 'BAN_MEMBERS',
    name: 'PUT ban',
    ok: 204,
    call: (s, u) => h.api.put(`/api/servers/${s.server.id}/bans/${target.user.id}`).set(c.as(u)).send({ reason: 'spam' }),
  },
  { permission: 'BAN_MEMBERS', name: 'GET bans', ok: 200, call: (s, u) => h.api.get(`/api/servers/${s.server.id}/bans`).set(c.as(u)) },
];

/** A fresh server: holder has a role (position 10) with `permissions`, lacker and target are plain members, a low role at 1. */
async function setup(permissions: Permission[]): Promise<Setup> {
  const server = await c.server(owner);
  await c.memberWith(owner, server.id, holder, permissions);
  await Promise.all([c.join(lacker, server.id), c.join(target, server.id)]);
  const low = await c.role(owner, server.id, { name: 'Low', position: 1 });
  await c.grant(owner, server.id, target.user.id, low.id);
  await h.api
    .put(`/api/servers/${server.id}/channels/${server.channels[0]!.id}/overrides/${low.id}`)
    .set(c.as(owner))
    .send({ allow: ['SEND_MESSAGES'] })
    .expect(200);
  return { server, low };
}

describe('each permission on its endpoint', () => {
  it.each(cases.map((k) => [k.permission, k.name, k] as const))('%s — %s: refused without it, allowed with it', async (_p, _n, k) => {
    const s = await setup([k.permission]);
    const refused = expectError(await k.call(s, lacker), 403, 'FORBIDDEN');
    expect(refused.message).toContain(k.permission);
    const res = await k.call(s, holder);
    expect(res.status, JSON.stringify(res.body)).toBe(k.ok);
  });

  it('BAN_MEMBERS — DELETE ban: refused without it, allowed with it', async () => {
    const s = await setup(['BAN_MEMBERS']);
    await h.api.put(`/api/servers/${s.server.id}/bans/${target.user.id}`).set(c.as(owner)).expect(204);
    expectError(await h.api.delete(`/api/servers/${s.server.id}/bans/${target.user.id}`).set(c.as(lacker)), 403, 'FORBIDDEN');
    await h.api.delete(`/api/servers/${s.server.id}/bans/${target.user.id}`).set(c.as(holder)).expect(204);
  });

  it('ADMINISTRATOR grants every permission; deleting the server stays the owner’s', async () => {
    const s = await setup(['ADMINISTRATOR']);
    expect((await c.me(holder, s.server.id)).permissions).toHaveLength(10);
    // Destructive calls last, so each call finds what it acts on.
    const last = ['DELETE override', 'DELETE role', 'DELETE channel'];
    const order = [...cases.filter((x) => !last.includes(x.name)), ...last.map((n) => cases.find((x) => x.name === n)!)];
    for (const k of order.filter((x) => x.name !== 'kick' && x.name !== 'PUT ban')) {
      const res = await k.call(s, holder);
      expect(res.status, `${k.name}: ${JSON.stringify(res.body)}`).toBe(k.ok);
    }
    expectError(await h.api.delete(`/api/servers/${s.server.id}`).set(c.as(holder)), 403, 'FORBIDDEN');
  });

  it('a non-member is refused as lacking the permission; an unknown server is 404', async () => {
    const s = await setup([]);
    const stranger = await h.register('stranger');
    expectError(await h.api.patch(`/api/servers/${s.server.id}`).set(c.as(stranger)).send({ name: 'x' }), 403, 'FORBIDDEN');
    expectError(
      await h.api
        .post(`/api/servers/${'d'.repeat(24)}/roles`)
        .set(c.as(owner))
        .send({ name: 'x' }),
      404,
      'NOT_FOUND',
    );
  });
});
