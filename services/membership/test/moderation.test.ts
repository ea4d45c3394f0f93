import { beforeAll, describe, expect, it } from 'vitest';
import { ListBansResponse, ServerDetail, parseEnvelope, routingKey } from '@chorus/contracts';
import { useHarness, expectError } from './harness.js';
import { community, type User } from './community.js';

const h = useHarness('moderation', { tap: true });
const c = community(h);
let owner: User;
let mod: User;
let troll: User;
let peer: User;
beforeAll(async () => {
  [owner, mod, troll, peer] = (await Promise.all(['owner', 'mod', 'troll', 'peer'].map((n) => h.register(n)))) as [User, User, User, User];
});

const memberCount = async (serverId: string) => ServerDetail.parse((await h.api.get(`/api/servers/${serverId}`)).body).memberCount;
const kick = (s: ServerDetail, who: User, by: User) => h.api.delete(`/api/servers/${s.id}/members/${who.user.id}`).set(c.as(by));
const ban = (s: ServerDetail, who: User | string, by: User, body: object = {}) =>
  h.api
    .put(`/api/servers/${s.id}/bans/${typeof who === 'string' ? who : who.user.id}`)
    .set(c.as(by))
    .send(body);
const join = (s: ServerDetail, who: User) => h.api.put(`/api/servers/${s.id}/members/@me`).set(c.as(who));

/** mod holds KICK_MEMBERS + BAN_MEMBERS at position 5; peer holds the same at 5; troll is plain. */
async function setup() {
  const s = await c.server(owner);
  const mods = await c.memberWith(owner, s.id, mod, ['KICK_MEMBERS', 'BAN_MEMBERS'], 5);
  await c.join(peer, s.id);
  await c.grant(owner, s.id, peer.user.id, mods.id);
  await c.join(troll, s.id);
  return s;
}

describe('kick', () => {
  it('204: member.left and member.kicked v1, the membership and its count gone, and the user may come back', async () => {
    const s = await setup();
    expect(await memberCount(s.id)).toBe(4);
    await kick(s, troll, mod).expect(204);
    const left = await h.tap.next('member.left', (p) => p.serverId === s.id && p.userId === troll.user.id);
    const kicked = await h.tap.next('member.kicked', (p) => p.serverId === s.id && p.userId === troll.user.id);
    expect(kicked.payload.actorId).toBe(mod.user.id);
    // member.left (what evicts) is published first.
    expect(h.tap.envelopes.indexOf(left)).toBeLessThan(h.tap.envelopes.indexOf(kicked));
    expect((await c.me(troll, s.id)).isMember).toBe(false);
    expect(await memberCount(s.id)).toBe(3);
    await join(s, troll).expect(201);
  });

  it('the owner, oneself, a peer at the same position → 403; a non-member → 404', async () => {
    const s = await setup();
    expect(expectError(await kick(s, owner, mod), 403, 'FORBIDDEN').message).toMatch(/owner/);
    expectError(await kick(s, mod, mod), 403, 'FORBIDDEN');
    expectError(await kick(s, peer, mod), 403, 'FORBIDDEN');
    const outsider = await h.register(`out${Date.now() % 10000}`);
    expectError(await kick(s, outsider, mod), 404, 'NOT_FOUND');
    // The owner outranks everyone.
    await kick(s, mod, owner).expect(204);
  });
});

describe('ban', () => {
  it('removes the membership, publishes member.left + member.banned, and refuses rejoining with 403 until lifted', async () => {
    const s = await setup();
    await ban(s, troll, mod, { reason: 'spam' }).expect(204);
    await h.tap.next('member.left', (p) => p.serverId === s.id && p.userId === troll.user.id);
    const banned = await h.tap.next('member.banned', (p) => p.serverId === s.id && p.userId === troll.user.id);
    expect(banned.payload.actorId).toBe(mod.user.id);
    expect((await c.me(troll, s.id)).isMember).toBe(false);
    expect(await memberCount(s.id)).toBe(3);
    expect(expectError(await join(s, troll), 403, 'FORBIDDEN').message).toMatch(/banned/);

    const list = ListBansResponse.parse((await h.api.get(`/api/servers/${s.id}/bans`).set(c.as(mod)).expect(200)).body).bans;
    expect(list).toEqual([expect.objectContaining({ userId: troll.user.id, username: 'troll', reason: 'spam', bannedBy: mod.user.id })]);
    // Banning again updates the reason (still one ban).
    await ban(s, troll, owner, { reason: 'still spam' }).expect(204);
    const again = ListBansResponse.parse((await h.api.get(`/api/servers/${s.id}/bans`).set(c.as(owner))).body).bans;
    expect(again.map((b) => b.reason)).toEqual(['still spam']);

    await h.api.delete(`/api/servers/${s.id}/bans/${troll.user.id}`).set(c.as(mod)).expect(204);
    expectError(await h.api.delete(`/api/servers/${s.id}/bans/${troll.user.id}`).set(c.as(mod)), 404, 'NOT_FOUND');
    await join(s, troll).expect(201);
  });

  it('a user who is not a member can be banned before they join', async () => {
    const s = await c.server(owner);
    await ban(s, troll, owner).expect(204);
    expectError(await join(s, troll), 403, 'FORBIDDEN');
  });

  it('the owner, a peer, oneself → 403; an unknown user → 404; reason too long or extra fields → 400', async () => {
    const s = await setup();
    expectError(await ban(s, owner, mod), 403, 'FORBIDDEN');
    expectError(await ban(s, peer, mod), 403, 'FORBIDDEN');
    expectError(await ban(s, mod, mod), 403, 'FORBIDDEN');
    expectError(await ban(s, 'e'.repeat(24), mod), 404, 'NOT_FOUND');
    expectError(await ban(s, troll, mod, { reason: 'x'.repeat(513) }), 400, 'VALIDATION_FAILED');
    expectError(await ban(s, troll, mod, { why: 'x' }), 400, 'VALIDATION_FAILED');
    expect((await c.me(troll, s.id)).isMember).toBe(true);
  });

  it('a join racing a ban never leaves a banned member behind', async () => {
    for (let i = 0; i < 6; i++) {
      const s = await c.server(owner, `Race ${i}`);
      const [joined, banned] = await Promise.all([join(s, troll), ban(s, troll, owner)]);
      expect(banned.status).toBe(204);
      expect([201, 403]).toContain(joined.status);
      expect((await c.me(troll, s.id)).isMember).toBe(false);
      expect(await memberCount(s.id)).toBe(1);
    }
  });
});

describe('SPEC 15 events (contract: libs/contracts broker/events.ts)', () => {
  it('every permission and moderation event published is a valid, persistent, versioned envelope from membership', async () => {
    const s = await setup();
    const role = await c.role(owner, s.id, { name: 'Temp', permissions: ['SEND_MESSAGES'] });
    await h.api
      .put(`/api/servers/${s.id}/channels/${s.channels[0]!.id}/overrides/${s.id}`)
      .set(c.as(owner))
      .send({ deny: ['SEND_MESSAGES'] })
      .expect(200);
    await kick(s, troll, owner).expect(204);
    await ban(s, troll, owner).expect(204);
    await h.tap.next('member.banned', (p) => p.serverId === s.id);
    const wanted = ['role.changed', 'override.changed', 'member.updated', 'member.kicked', 'member.banned'];
    for (const type of wanted) {
      const raws = h.tap.raw.filter((r) => (r.body as { type?: string }).type === type);
      expect(raws.length, type).toBeGreaterThan(0);
      for (const msg of raws) {
        const parsed = parseEnvelope(msg.body);
        expect(parsed.ok, parsed.ok ? '' : parsed.reason).toBe(true);
        if (!parsed.ok) continue;
        expect(parsed.envelope.producer).toBe('membership');
        expect(msg.routingKey).toBe(routingKey(parsed.envelope.type, parsed.envelope.version));
        expect(msg.persistent).toBe(true);
      }
    }
    expect(h.tap.envelopes.some((e) => e.type === 'role.changed' && e.payload.roleId === role.id)).toBe(true);
    expect(h.tap.invalid).toEqual([]);
    expect(await h.service.infra.models.Outbox.countDocuments()).toBe(0);
  });
});
