import { beforeAll, describe, expect, it } from 'vitest';
import { ListRolesResponse, Role, type ServerDetail } from '@chorus/contracts';
import { useHarness, expectError } from './harness.js';
import { community, type User } from './community.js';

const h = useHarness('roles', { tap: true });
const c = community(h);
let owner: User;
let mod: User;
let member: User;
beforeAll(async () => {
  [owner, mod, member] = (await Promise.all(['owner', 'mod', 'member'].map((n) => h.register(n)))) as [User, User, User];
});

const roles = (s: ServerDetail) => `/api/servers/${s.id}/roles`;

/** A server where `mod` holds "Mods" (position 5, MANAGE_ROLES + KICK_MEMBERS) and `member` is plain. */
async function moderated() {
  const s = await c.server(owner);
  const mods = await c.memberWith(owner, s.id, mod, ['MANAGE_ROLES', 'KICK_MEMBERS'], 5);
  await c.join(member, s.id);
  return { s, mods };
}

describe('roles CRUD', () => {
  it('lists @everyone (id = server id, defaults) last and the rest highest first; members only', async () => {
    const { s, mods } = await moderated();
    const low = await c.role(owner, s.id, { name: 'Low', position: 2 });
    const list = ListRolesResponse.parse((await h.api.get(roles(s)).set(c.as(member)).expect(200)).body).roles;
    expect(list.map((r) => r.id)).toEqual([mods.id, low.id, s.id]);
    expect(list[2]).toEqual({
      id: s.id,
      serverId: s.id,
      name: '@everyone',
      permissions: ['CREATE_INVITES', 'SEND_MESSAGES', 'READ_HISTORY'],
      position: 0,
    });
    const stranger = await h.register(`stranger${Date.now() % 1000}`);
    expectError(await h.api.get(roles(s)).set(c.as(stranger)), 403, 'NOT_MEMBER');
  });

  it('creates (position defaults to 1), edits and deletes; each announced as role.changed v1', async () => {
    const { s } = await moderated();
    const created = Role.parse(
      (
        await h.api
          .post(roles(s))
          .set(c.as(owner))
          .send({ name: '  Helpers ', permissions: ['READ_HISTORY', 'MANAGE_MESSAGES'] })
          .expect(201)
      ).body,
    );
    expect(created).toMatchObject({ name: 'Helpers', position: 1, permissions: ['MANAGE_MESSAGES', 'READ_HISTORY'] });
    await h.tap.next('role.changed', (p) => p.roleId === created.id && p.change === 'created');
    const edited = (
      await h.api
        .patch(`${roles(s)}/${created.id}`)
        .set(c.as(owner))
        .send({ position: 3, permissions: [] })
        .expect(200)
    ).body;
    expect(edited).toMatchObject({ name: 'Helpers', position: 3, permissions: [] });
    await h.tap.next('role.changed', (p) => p.roleId === created.id && p.change === 'updated' && p.permissions.length === 0);
    await c.grant(owner, s.id, member.user.id, created.id);
    await h.api
      .put(`/api/servers/${s.id}/channels/${s.channels[0]!.id}/overrides/${created.id}`)
      .set(c.as(owner))
      .send({ allow: ['SEND_MESSAGES'] })
      .expect(200);
    await h.api
      .delete(`${roles(s)}/${created.id}`)
      .set(c.as(owner))
      .expect(204);
    await h.tap.next('role.changed', (p) => p.roleId === created.id && p.change === 'deleted');
    // Gone from the member and from the channel's overrides.
    expect((await c.me(member, s.id)).roleIds).toEqual([]);
    expect((await h.api.get(`/api/servers/${s.id}/channels/${s.channels[0]!.id}/overrides`).set(c.as(owner))).body).toEqual({
      overrides: [],
    });
    expectError(await h.api.delete(`${roles(s)}/${created.id}`).set(c.as(owner)), 404, 'NOT_FOUND');
  });

  it('@everyone: its permissions can be edited (every member has them), not its name or position; never deleted', async () => {
    const { s } = await moderated();
    await h.api
      .patch(`${roles(s)}/${s.id}`)
      .set(c.as(owner))
      .send({ permissions: ['READ_HISTORY'] })
      .expect(200);
    expect((await c.me(member, s.id)).permissions).toEqual(['READ_HISTORY']);
    await h.tap.next('role.changed', (p) => p.roleId === s.id && p.change === 'updated');
    expectError(
      await h.api
        .patch(`${roles(s)}/${s.id}`)
        .set(c.as(owner))
        .send({ name: 'all' }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await h.api
        .patch(`${roles(s)}/${s.id}`)
        .set(c.as(owner))
        .send({ position: 4 }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await h.api.delete(`${roles(s)}/${s.id}`).set(c.as(owner)), 400, 'VALIDATION_FAILED');
    expectError(await h.api.put(`/api/servers/${s.id}/members/${member.user.id}/roles/${s.id}`).set(c.as(owner)), 400, 'VALIDATION_FAILED');
  });

  it('members/@me and the member list show roles; member.updated v1 on every change', async () => {
    const { s, mods } = await moderated();
    expect(await c.me(mod, s.id)).toEqual({
      isMember: true,
      permissions: ['MANAGE_ROLES', 'KICK_MEMBERS', 'CREATE_INVITES', 'SEND_MESSAGES', 'READ_HISTORY'],
      roleIds: [mods.id],
    });
    await h.tap.next('member.updated', (p) => p.serverId === s.id && p.userId === mod.user.id && p.roleIds.includes(mods.id));
    const list = (await h.api.get(`/api/servers/${s.id}/members`).set(c.as(member))).body.members as Array<{
      userId: string;
      roleIds: string[];
    }>;
    expect(list.find((m) => m.userId === mod.user.id)?.roleIds).toEqual([mods.id]);
    await h.api.delete(`/api/servers/${s.id}/members/${mod.user.id}/roles/${mods.id}`).set(c.as(owner)).expect(204);
    await h.tap.next('member.updated', (p) => p.userId === mod.user.id && p.serverId === s.id && p.roleIds.length === 0);
    // Idempotent both ways.
    await h.api.delete(`/api/servers/${s.id}/members/${mod.user.id}/roles/${mods.id}`).set(c.as(owner)).expect(204);
    expectError(await h.api.put(`/api/servers/${s.id}/members/${'e'.repeat(24)}/roles/${mods.id}`).set(c.as(owner)), 404, 'NOT_FOUND');
  });
});

describe('hostile input (400) and escalation (403), in the SPEC 1 shape', () => {
  it('unknown or repeated permissions, names out of 1–32, bad positions, extra fields → 400 naming the field', async () => {
    const { s } = await moderated();
    const bad = [
      [{ name: 'x', permissions: ['FLY'] }, 'permissions.0'],
      [{ name: 'x', permissions: ['SEND_MESSAGES', 'SEND_MESSAGES'] }, 'permissions'],
      [{ name: '' }, 'name'],
      [{ name: '  ' }, 'name'],
      [{ name: 'x'.repeat(33) }, 'name'],
      [{ name: 'x', position: 0 }, 'position'],
      [{ name: 'x', position: 1.5 }, 'position'],
      [{ name: 'x', color: 'red' }, ''],
      [{ name: { $gt: '' } }, 'name'],
    ] as const;
    for (const [body, path] of bad) {
      const error = expectError(await h.api.post(roles(s)).set(c.as(owner)).send(body), 400, 'VALIDATION_FAILED');
      expect(error.details, JSON.stringify(body)).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    expectError(
      await h.api
        .patch(`${roles(s)}/${s.id}`)
        .set(c.as(owner))
        .send({ permissions: ['NOPE'] }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('granting ADMINISTRATOR (or any permission) one lacks → 403, on create, edit and assignment', async () => {
    const { s } = await moderated();
    expectError(
      await h.api
        .post(roles(s))
        .set(c.as(mod))
        .send({ name: 'God', permissions: ['ADMINISTRATOR'] }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await h.api
        .post(roles(s))
        .set(c.as(mod))
        .send({ name: 'Banner', permissions: ['BAN_MEMBERS'] }),
      403,
      'FORBIDDEN',
    );
    const helper = await c.role(mod, s.id, { name: 'Helper', permissions: ['KICK_MEMBERS'], position: 2 });
    expectError(
      await h.api
        .patch(`${roles(s)}/${helper.id}`)
        .set(c.as(mod))
        .send({ permissions: ['ADMINISTRATOR'] }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await h.api
        .patch(`${roles(s)}/${s.id}`)
        .set(c.as(mod))
        .send({ permissions: ['BAN_MEMBERS'] }),
      403,
      'FORBIDDEN',
    );
    const banners = await c.role(owner, s.id, { name: 'Banners', permissions: ['BAN_MEMBERS'], position: 1 });
    expectError(await h.api.put(`/api/servers/${s.id}/members/${member.user.id}/roles/${banners.id}`).set(c.as(mod)), 403, 'FORBIDDEN');
    // What the mod has, the mod may grant.
    await h.api
      .patch(`${roles(s)}/${helper.id}`)
      .set(c.as(mod))
      .send({ permissions: ['KICK_MEMBERS', 'MANAGE_ROLES'] })
      .expect(200);
  });

  it('editing, deleting, assigning or creating at or above one’s own highest role → 403', async () => {
    const { s, mods } = await moderated();
    const high = await c.role(owner, s.id, { name: 'High', position: 9 });
    for (const res of [
      await h.api
        .patch(`${roles(s)}/${high.id}`)
        .set(c.as(mod))
        .send({ name: 'Mine' }),
      await h.api
        .patch(`${roles(s)}/${mods.id}`)
        .set(c.as(mod))
        .send({ name: 'Same level' }),
      await h.api.delete(`${roles(s)}/${high.id}`).set(c.as(mod)),
      await h.api.put(`/api/servers/${s.id}/members/${member.user.id}/roles/${mods.id}`).set(c.as(mod)),
      await h.api.delete(`/api/servers/${s.id}/members/${mod.user.id}/roles/${mods.id}`).set(c.as(mod)),
      await h.api.post(roles(s)).set(c.as(mod)).send({ name: 'Peer', position: 5 }),
    ]) {
      expectError(res, 403, 'FORBIDDEN');
    }
    const low = await c.role(mod, s.id, { name: 'Low', position: 4 });
    expectError(
      await h.api
        .patch(`${roles(s)}/${low.id}`)
        .set(c.as(mod))
        .send({ position: 6 }),
      403,
      'FORBIDDEN',
    );
    await h.api
      .patch(`${roles(s)}/${low.id}`)
      .set(c.as(mod))
      .send({ position: 3 })
      .expect(200);
  });

  it('overrides: allow and deny of one permission, ADMINISTRATOR, unknown role or another server’s channel → 400/404', async () => {
    const { s } = await moderated();
    const other = await c.server(owner, 'Other');
    const url = (channelId: string, roleId: string) => `/api/servers/${s.id}/channels/${channelId}/overrides/${roleId}`;
    const general = s.channels[0]!.id;
    expectError(
      await h.api
        .put(url(general, s.id))
        .set(c.as(owner))
        .send({ allow: ['SEND_MESSAGES'], deny: ['SEND_MESSAGES'] }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await h.api
        .put(url(general, s.id))
        .set(c.as(owner))
        .send({ allow: ['ADMINISTRATOR'] }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await h.api
        .put(url(general, s.id))
        .set(c.as(owner))
        .send({ deny: ['FLY'] }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await h.api
        .put(url(general, 'e'.repeat(24)))
        .set(c.as(owner))
        .send({ deny: [] }),
      404,
      'NOT_FOUND',
    );
    expectError(await h.api.put(url(other.channels[0]!.id, s.id)).set(c.as(owner)).send({ deny: [] }), 404, 'NOT_FOUND');
  });
});
