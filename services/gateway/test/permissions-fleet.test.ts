import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  AuthResponse,
  ChannelJoinAckSchema,
  MessageSendAckSchema,
  Role,
  ServerDetail,
  type MessageSendAck,
  type Permission,
} from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { connectClient, record, request, type Client } from './support/gateway-harness.js';
import { useFleet, type ServiceProcess } from './support/processes.js';

/**
 * SPEC 15 end to end with real processes: membership (roles, overrides, kick, ban over its REST API),
 * history and TWO gateways, real MongoDB (wire server), Redis and RabbitMQ. Every change is made the way a
 * client makes it; the gateways and history learn of it only from membership's events and answers.
 */
const iso = isolated('gw-perm-e2e');
// Polling a send until a change holds may be accepted many times first: the send rate limit is tested elsewhere.
const fleet = useFleet(iso, { SEND_RATE_LIMIT: '1000' });

interface Account {
  id: string;
  username: string;
  token: string;
}

async function api(base: ServiceProcess, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${base.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** A REST call that must answer `status` (the body is shown when it does not). */
async function must(status: number, base: ServiceProcess, method: string, path: string, token: string, body?: unknown) {
  const res = await api(base, method, path, token, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

async function register(name: string): Promise<Account> {
  const username = `${name}_${randomBytes(3).toString('hex')}`;
  const res = await fetch(`${fleet.membership.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'correct horse battery' }),
  });
  expect(res.status).toBe(201);
  const auth = AuthResponse.parse(await res.json());
  return { id: auth.user.id, username, token: auth.accessToken };
}

/** Ada owns a server (channels `general` and `announcements`); everyone in `members` joined it. */
async function community(members: Account[]) {
  const ada = await register('ada');
  const server = ServerDetail.parse(
    await must(201, fleet.membership, 'POST', '/api/servers', ada.token, { name: `srv ${randomBytes(2).toString('hex')}` }),
  );
  const general = server.channels.find((c) => c.name === 'general')!.id;
  const created = await must(201, fleet.membership, 'POST', `/api/servers/${server.id}/channels`, ada.token, { name: 'announcements' });
  const announcements = (created as { id: string }).id;
  for (const m of members) await must(201, fleet.membership, 'PUT', `/api/servers/${server.id}/members/@me`, m.token);
  const role = async (name: string, permissions: Permission[]) =>
    Role.parse(await must(201, fleet.membership, 'POST', `/api/servers/${server.id}/roles`, ada.token, { name, permissions }));
  const grant = (user: Account, roleId: string) =>
    must(204, fleet.membership, 'PUT', `/api/servers/${server.id}/members/${user.id}/roles/${roleId}`, ada.token);
  const revoke = (user: Account, roleId: string) =>
    must(204, fleet.membership, 'DELETE', `/api/servers/${server.id}/members/${user.id}/roles/${roleId}`, ada.token);
  const override = (channelId: string, roleId: string, allow: Permission[], deny: Permission[]) =>
    must(200, fleet.membership, 'PUT', `/api/servers/${server.id}/channels/${channelId}/overrides/${roleId}`, ada.token, { allow, deny });
  return { ada, serverId: server.id, general, announcements, role, grant, revoke, override };
}

const on = (gw: ServiceProcess, user: Account): Promise<Client> => connectClient(gw.url, user.token);
const join = async (c: Client, channelId: string) => ChannelJoinAckSchema.parse(await request(c, 'channel:join', { channelId }));
const send = async (c: Client, channelId: string, content = 'hello'): Promise<MessageSendAck> =>
  MessageSendAckSchema.parse(await request(c, 'message:send', { channelId, content })) as MessageSendAck;
const outcome = (ack: MessageSendAck) => (ack.ok ? 'ok' : ack.error.code);

describe('SPEC 15 across the fleet (real membership, history, two gateways)', () => {
  it('an override makes a channel read-only for @everyone but not for Moderators', async () => {
    const bob = await register('bob');
    const carol = await register('carol');
    const c = await community([bob, carol]);
    const moderators = await c.role('Moderators', ['MANAGE_MESSAGES']);
    await c.grant(carol, moderators.id);
    await c.override(c.announcements, c.serverId, [], ['SEND_MESSAGES']);
    await c.override(c.announcements, moderators.id, ['SEND_MESSAGES'], []);

    const bobOn1 = await on(fleet.gw1, bob);
    const carolOn2 = await on(fleet.gw2, carol);
    for (const client of [bobOn1, carolOn2])
      for (const id of [c.announcements, c.general]) expect(await join(client, id)).toMatchObject({ ok: true });
    const bobSees = record(bobOn1, 'message:created');
    expect(await send(bobOn1, c.announcements, 'me too')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const announced = await send(carolOn2, c.announcements, 'release on Friday');
    expect(announced).toMatchObject({ ok: true });
    expect(await send(bobOn1, c.general, 'general is open')).toMatchObject({ ok: true });
    await waitFor(() => bobSees.length >= 2, 'bob reads the announcement and his own message');
    expect(bobSees.map((m) => m.content)).toEqual(['release on Friday', 'general is open']);
  });

  it('a permission change (role granted, then removed) reaches both gateways', async () => {
    const bob = await register('bob');
    const c = await community([bob]);
    const bobs = [await on(fleet.gw1, bob), await on(fleet.gw2, bob)];
    for (const client of bobs) expect(await send(client, c.general, 'warm the caches')).toMatchObject({ ok: true });

    await must(200, fleet.membership, 'PATCH', `/api/servers/${c.serverId}/roles/${c.serverId}`, c.ada.token, {
      permissions: ['READ_HISTORY'],
    });
    for (const client of bobs)
      await waitFor(async () => outcome(await send(client, c.general)) === 'FORBIDDEN', '@everyone lost SEND_MESSAGES');
    const speakers = await c.role('Speakers', ['SEND_MESSAGES']);
    await c.grant(bob, speakers.id);
    for (const client of bobs) await waitFor(async () => outcome(await send(client, c.general)) === 'ok', 'Speakers granted');
    await c.revoke(bob, speakers.id);
    for (const client of bobs) await waitFor(async () => outcome(await send(client, c.general)) === 'FORBIDDEN', 'Speakers removed');
  });

  it('history: reads need READ_HISTORY, deleting another member’s message MANAGE_MESSAGES', async () => {
    const bob = await register('bob');
    const carol = await register('carol');
    const c = await community([bob, carol]);
    const moderators = await c.role('Moderators', ['MANAGE_MESSAGES']);
    await c.grant(carol, moderators.id);
    const carolOn1 = await on(fleet.gw1, carol);
    const bobOn2 = await on(fleet.gw2, bob);
    const first = await send(bobOn2, c.general, 'spam');
    const second = await send(carolOn1, c.general, 'welcome');
    if (!first.ok || !second.ok) throw new Error(JSON.stringify([first, second]));
    const page = (u: Account) => api(fleet.history, 'GET', `/api/channels/${c.general}/messages`, u.token);
    await waitFor(async () => ((await page(bob)).body as { messages?: unknown[] }).messages?.length === 2, 'both stored');

    const del = (u: Account, id: string) => api(fleet.history, 'DELETE', `/api/channels/${c.general}/messages/${id}`, u.token);
    expect(await del(bob, second.message.id)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect((await del(carol, first.message.id)).status).toBe(204);

    await c.override(c.general, c.serverId, [], ['READ_HISTORY']);
    expect(await page(bob)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await join(bobOn2, c.general)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await c.override(c.general, moderators.id, ['READ_HISTORY'], []);
    expect((await page(carol)).status).toBe(200);
  });

  for (const removal of ['kick', 'ban'] as const) {
    it(`after a ${removal}: server:removed and no delivery after the 204 plus 1 s on both gateways; sends refused`, async () => {
      const bob = await register('bob');
      const c = await community([bob]);
      const other = await community([bob]); // a server bob stays in: its marker shows what reached him
      const adaOn1 = await on(fleet.gw1, c.ada);
      const otherAda = await on(fleet.gw2, other.ada);
      const bobs = [await on(fleet.gw1, bob), await on(fleet.gw2, bob)];
      for (const client of bobs) {
        expect(await join(client, c.general)).toMatchObject({ ok: true });
        expect(await join(client, other.general)).toMatchObject({ ok: true });
        expect(await send(client, c.general, 'warm the caches')).toMatchObject({ ok: true });
      }
      const removed = bobs.map((client) => record(client, 'server:removed'));
      const got = bobs.map((client) => record(client, 'message:created'));

      if (removal === 'kick') await must(204, fleet.membership, 'DELETE', `/api/servers/${c.serverId}/members/${bob.id}`, c.ada.token);
      else await must(204, fleet.membership, 'PUT', `/api/servers/${c.serverId}/bans/${bob.id}`, c.ada.token, { reason: 'spam' });
      await sleep(1_000); // SPEC 15: within 1 s of the 204, no gateway delivers the server to him
      expect(await send(adaOn1, c.general, 'after the removal')).toMatchObject({ ok: true });
      expect(await send(otherAda, other.general, 'marker')).toMatchObject({ ok: true });
      await waitFor(() => got.every((g) => g.some((m) => m.content === 'marker')), 'the marker on both of bob’s sockets');
      for (const g of got) expect(g.map((m) => m.content)).not.toContain('after the removal');
      await waitFor(() => removed.every((r) => r.length >= 1), 'server:removed on both gateways');
      for (const r of removed) expect(r).toEqual([{ serverId: c.serverId }]);
      for (const client of bobs)
        expect(await send(client, c.general, 'still here?')).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
      if (removal === 'ban') {
        expect(await api(fleet.membership, 'PUT', `/api/servers/${c.serverId}/members/@me`, bob.token)).toMatchObject({
          status: 403,
          body: { error: { code: 'FORBIDDEN' } },
        });
      }
    });
  }
});
