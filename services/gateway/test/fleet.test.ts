import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AuthResponse,
  ChannelJoinAckSchema,
  HistoryPage,
  Message,
  MessageSendAckSchema,
  ServerDetail,
  type MessageSendAck,
} from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { sampleSum } from '../../../test/support/metrics.js';
import { waitFor } from '../../../test/support/wait.js';
import { connectClient, record, request, type Client } from './support/gateway-harness.js';
import { useFleet, type ServiceProcess } from './support/processes.js';

/**
 * End to end with real processes: membership, history and TWO gateways (src/main.ts of each, started
 * as the project runs them), real MongoDB (wire server), Redis and RabbitMQ. Users register through
 * membership's REST API and talk through socket.io-client over WebSocket to different gateways.
 */
const iso = isolated('gw-e2e');
const fleet = useFleet(iso);

interface Account {
  id: string;
  username: string;
  token: string;
}

async function api(
  base: ServiceProcess,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 500) {
    // say what the service logged about it: a 5xx here is that service's failure, not the gateway's
    const ref = /reference ([0-9a-f-]{36})/.exec(text)?.[1];
    const lines = base.lines.filter((l) => (ref ? l.includes(ref) : l.includes('"level":50')));
    return { status: res.status, body: { response: text, [`${base.name} log`]: lines.slice(-5) } };
  }
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

async function register(name: string): Promise<Account> {
  const username = `${name}_${randomBytes(3).toString('hex')}`;
  const res = await api(fleet.membership, 'POST', '/api/auth/register', undefined, { username, password: 'correct horse battery' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const auth = AuthResponse.parse(res.body);
  return { id: auth.user.id, username, token: auth.accessToken };
}

async function createServer(owner: Account): Promise<{ serverId: string; channelId: string }> {
  const res = await api(fleet.membership, 'POST', '/api/servers', owner.token, { name: `srv ${randomBytes(2).toString('hex')}` });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const server = ServerDetail.parse(res.body);
  return { serverId: server.id, channelId: server.channels.find((c) => c.name === 'general')!.id };
}

async function joinServer(user: Account, serverId: string): Promise<void> {
  expect((await api(fleet.membership, 'PUT', `/api/servers/${serverId}/members/@me`, user.token)).status).toBe(201);
}

const on = (gw: ServiceProcess, user: Account): Promise<Client> => connectClient(gw.url, user.token);

async function joinRoom(client: Client, channelId: string): Promise<void> {
  expect(ChannelJoinAckSchema.parse(await request(client, 'channel:join', { channelId }))).toMatchObject({
    ok: true,
    channel: { id: channelId },
  });
}

async function send(client: Client, channelId: string, content: string, nonce?: string): Promise<MessageSendAck> {
  return MessageSendAckSchema.parse(
    await request(client, 'message:send', { channelId, content, ...(nonce ? { nonce } : {}) }),
  ) as MessageSendAck;
}

/** The common stage: ada owns a server, bob joined it; ada is on gateway 1, bob on gateway 2, both in its channel. */
async function adaAndBobInOneChannel() {
  const ada = await register('ada');
  const bob = await register('bob');
  const { serverId, channelId } = await createServer(ada);
  await joinServer(bob, serverId);
  const adaOn1 = await on(fleet.gw1, ada);
  const bobOn2 = await on(fleet.gw2, bob);
  await joinRoom(adaOn1, channelId);
  await joinRoom(bobOn2, channelId);
  return { ada, bob, serverId, channelId, adaOn1, bobOn2 };
}

async function historyOf(user: Account, channelId: string): Promise<Message[]> {
  const res = await api(fleet.history, 'GET', `/api/channels/${channelId}/messages?limit=100`, user.token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return HistoryPage.parse(res.body).messages;
}

describe('Chorus fleet end to end (membership, history, two gateways)', () => {
  it('users on different gateways see each other’s messages; the ack carries the message history persists', async () => {
    const { bob, channelId, adaOn1, bobOn2 } = await adaAndBobInOneChannel();
    const bobSees = record(bobOn2, 'message:created');
    const adaSees = record(adaOn1, 'message:created');

    const ack = await send(adaOn1, channelId, 'hello from gateway 1', 'e2e-1');
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    await waitFor(() => bobSees.length === 1 && adaSees.length === 1, 'message:created on both gateways');
    expect(bobSees[0]).toEqual(ack.message);

    const reply = await send(bobOn2, channelId, 'hello back from gateway 2');
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    await waitFor(() => adaSees.length === 2, 'the reply on gateway 1');
    expect(adaSees[1]).toEqual(reply.message);
    expect(reply.message.id > ack.message.id).toBe(true);

    const stored = await waitFor(async () => {
      const page = await historyOf(bob, channelId);
      return page.length === 2 ? page : undefined;
    }, 'both messages in history');
    expect(stored).toEqual([reply.message, ack.message]);
  });

  it('a non-member can neither join nor send', async () => {
    const owner = await register('owner');
    const carol = await register('carol');
    const { channelId } = await createServer(owner);
    const carolOn2 = await on(fleet.gw2, carol);
    expect(await request(carolOn2, 'channel:join', { channelId })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await send(carolOn2, channelId, 'let me in')).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await send(carolOn2, '0123456789abcdef01234567', 'nowhere')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('after leaving a server a user stops receiving it on both gateways, is told server:removed, and cannot send', async () => {
    const ada = await register('ada');
    const bob = await register('bob');
    const s1 = await createServer(ada);
    const s2 = await createServer(ada);
    await joinServer(bob, s1.serverId);
    await joinServer(bob, s2.serverId);
    const adaOn1 = await on(fleet.gw1, ada);
    const bobOn1 = await on(fleet.gw1, bob);
    const bobOn2 = await on(fleet.gw2, bob);
    for (const c of [bobOn1, bobOn2]) {
      await joinRoom(c, s1.channelId);
      await joinRoom(c, s2.channelId);
    }
    expect(await send(bobOn2, s1.channelId, 'warm the authorization cache')).toMatchObject({ ok: true });
    const removed = [record(bobOn1, 'server:removed'), record(bobOn2, 'server:removed')];

    expect((await api(fleet.membership, 'DELETE', `/api/servers/${s1.serverId}/members/@me`, bob.token)).status).toBe(204);
    await waitFor(() => removed.every((r) => r.length === 1), 'server:removed on both gateways', 5_000);
    for (const r of removed) expect(r).toEqual([{ serverId: s1.serverId }]);

    const got = [record(bobOn1, 'message:created'), record(bobOn2, 'message:created')];
    expect(await send(adaOn1, s1.channelId, 'bob is gone')).toMatchObject({ ok: true });
    expect(await send(adaOn1, s2.channelId, 'marker')).toMatchObject({ ok: true });
    // Both broadcasts leave gateway 1 in this order: had bob still been in s1's room, he would have got it first.
    await waitFor(() => got.every((g) => g.length >= 1), 'marker on both of bob’s connections');
    for (const g of got) expect(g.map((m) => m.content)).toEqual(['marker']);
    expect(await send(bobOn1, s1.channelId, 'still here?')).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await send(bobOn2, s1.channelId, 'still here?')).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
  });

  it('a duplicate nonce through the other gateway returns the original, is not broadcast again, and is stored once', async () => {
    const ada = await register('ada');
    const bob = await register('bob');
    const { serverId, channelId } = await createServer(ada);
    await joinServer(bob, serverId);
    const adaOn1 = await on(fleet.gw1, ada);
    const adaOn2 = await on(fleet.gw2, ada);
    const bobOn1 = await on(fleet.gw1, bob);
    await joinRoom(bobOn1, channelId);
    const bobSees = record(bobOn1, 'message:created');

    const original = await send(adaOn1, channelId, 'exactly once', 'dup');
    const replay = await send(adaOn2, channelId, 'exactly once (retry)', 'dup');
    if (!original.ok) throw new Error(JSON.stringify(original));
    expect(replay).toEqual({ ok: true, duplicate: true, message: original.message });
    expect(await send(adaOn2, channelId, 'marker')).toMatchObject({ ok: true });
    await waitFor(() => bobSees.length >= 2, 'marker');
    expect(bobSees.map((m) => m.content)).toEqual(['exactly once', 'marker']);
    const stored = await waitFor(async () => {
      const page = await historyOf(ada, channelId);
      return page.length >= 2 ? page : undefined;
    }, 'history');
    expect(stored.map((m) => m.content)).toEqual(['marker', 'exactly once']);
  });

  it('concurrent sends through both gateways into one channel: every socket sees strictly increasing ids, none missing', async () => {
    const owner = await register('owner');
    const others = await Promise.all(['u1', 'u2', 'u3'].map((n) => register(n)));
    const { serverId, channelId } = await createServer(owner);
    for (const u of others) await joinServer(u, serverId);
    const people = [owner, ...others];
    // Each person on both gateways: senders alternate gateways, every socket is a receiver.
    const sockets = await Promise.all(people.flatMap((u) => [on(fleet.gw1, u), on(fleet.gw2, u)]));
    for (const c of sockets) await joinRoom(c, channelId);
    const seen = sockets.map((c) => record(c, 'message:created'));

    const perPerson = 10; // the fleet-wide rate limit (10 per 10 s) allows exactly this many each
    const acks = await Promise.all(
      people.flatMap((_u, p) =>
        Array.from({ length: perPerson }, (_v, i) => send(sockets[p * 2 + (i % 2)]!, channelId, `p${p} m${i}`, `order-${p}-${i}`)),
      ),
    );
    const ids = acks.map((a) => {
      if (!a.ok) throw new Error(JSON.stringify(a));
      return a.message.id;
    });
    const all = [...ids].sort();
    await waitFor(() => seen.every((s) => s.length >= all.length), 'every message on every socket');
    for (const s of seen) {
      const got = s.map((m) => m.id);
      expect(got).toEqual(all); // every id, once, in strictly increasing order
    }
    const stored = await waitFor(async () => {
      const page = await historyOf(owner, channelId);
      return page.length === all.length ? page : undefined;
    }, 'all of them in history');
    expect(stored.map((m) => m.id)).toEqual([...all].reverse());
  });

  it('the 11th send in 10 s is RATE_LIMITED even when spread over both gateways', async () => {
    const dave = await register('dave');
    const { channelId } = await createServer(dave);
    const on1 = await on(fleet.gw1, dave);
    const on2 = await on(fleet.gw2, dave);
    for (let i = 0; i < 10; i++) expect(await send(i % 2 ? on1 : on2, channelId, `burst ${i}`), `send ${i}`).toMatchObject({ ok: true });
    const eleventh = await send(on1, channelId, 'one too many');
    expect(eleventh).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } } });
    expect(await send(on2, channelId, 'and on the other gateway')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });

  it('edits and deletes made through history reach the room on both gateways', async () => {
    const { ada, bob, channelId, adaOn1, bobOn2 } = await adaAndBobInOneChannel();
    const updated = [record(adaOn1, 'message:updated'), record(bobOn2, 'message:updated')];
    const deleted = [record(adaOn1, 'message:deleted'), record(bobOn2, 'message:deleted')];
    const sent = await send(adaOn1, channelId, 'typo');
    if (!sent.ok) throw new Error(JSON.stringify(sent));
    await waitFor(async () => (await historyOf(ada, channelId)).length === 1, 'persisted');

    const edit = await api(fleet.history, 'PATCH', `/api/channels/${channelId}/messages/${sent.message.id}`, ada.token, {
      content: 'fixed',
    });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    await waitFor(() => updated.every((u) => u.length >= 1), 'message:updated on both gateways');
    for (const u of updated) expect(u).toEqual([Message.parse(edit.body)]);

    expect((await api(fleet.history, 'DELETE', `/api/channels/${channelId}/messages/${sent.message.id}`, ada.token)).status).toBe(204);
    await waitFor(() => deleted.every((d) => d.length >= 1), 'message:deleted on both gateways');
    for (const d of deleted) expect(d).toEqual([{ id: sent.message.id, channelId }]);
    expect(await historyOf(bob, channelId)).toEqual([]);
  });

  it('a reaction made on history reaches the room on both gateways once; read:updated reaches the reader’s other sockets', async () => {
    const { ada, channelId, adaOn1, bobOn2 } = await adaAndBobInOneChannel();
    const added = [record(adaOn1, 'message:reaction_added'), record(bobOn2, 'message:reaction_added')];
    const removed = [record(adaOn1, 'message:reaction_removed'), record(bobOn2, 'message:reaction_removed')];
    const sent = await send(adaOn1, channelId, 'react to this');
    if (!sent.ok) throw new Error(JSON.stringify(sent));
    await waitFor(async () => (await historyOf(ada, channelId)).length === 1, 'persisted');

    const path = `/api/channels/${channelId}/messages/${sent.message.id}/reactions/${encodeURIComponent('🎉')}/@me`;
    expect((await api(fleet.history, 'PUT', path, ada.token)).status).toBe(204);
    expect((await api(fleet.history, 'PUT', path, ada.token)).status).toBe(204); // idempotent: no second broadcast
    await waitFor(() => added.every((a) => a.length >= 1), 'message:reaction_added on both gateways');
    expect((await api(fleet.history, 'DELETE', path, ada.token)).status).toBe(204);
    await waitFor(() => removed.every((r) => r.length >= 1), 'message:reaction_removed on both gateways');
    const event = { channelId, messageId: sent.message.id, emoji: '🎉', userId: ada.id };
    for (const a of added) expect(a).toEqual([event]);
    for (const r of removed) expect(r).toEqual([event]);

    // Ada's second socket, on the other gateway, in no channel room: her user room gets read:updated.
    const adaOn2 = await on(fleet.gw2, ada);
    const reads = record(adaOn2, 'read:updated');
    const bobSees = record(bobOn2, 'read:updated');
    // Bob's reply is newer than what ada's own send marked read: her PUT moves it forward.
    const reply = await send(bobOn2, channelId, 'reply');
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    await waitFor(async () => (await historyOf(ada, channelId)).length === 2, 'reply persisted');
    expect((await api(fleet.history, 'PUT', `/api/channels/${channelId}/read`, ada.token, { messageId: reply.message.id })).status).toBe(
      204,
    );
    await waitFor(() => reads.length >= 1, 'read:updated on ada’s other socket');
    expect(reads).toEqual([{ channelId, messageId: reply.message.id }]);
    expect(bobSees).toEqual([]);
  });

  it('typing reaches the other gateway, not the sender', async () => {
    const { ada, channelId, adaOn1, bobOn2 } = await adaAndBobInOneChannel();
    const bobTyping = record(bobOn2, 'typing:start');
    const adaTyping = record(adaOn1, 'typing:start');
    adaOn1.emit('typing:start', { channelId });
    await waitFor(() => bobTyping.length === 1, 'typing on gateway 2');
    expect(bobTyping).toEqual([{ channelId, user: { id: ada.id, username: ada.username } }]);
    expect(adaTyping).toEqual([]);
  });

  it('each process serves GET /metrics: sends by result and connected sockets on the gateways', async () => {
    const scrape = async (p: ServiceProcess) => {
      const res = await fetch(`${p.url}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const [one, two] = await Promise.all([scrape(fleet.gw1), scrape(fleet.gw2)]);
    const sends = (text: string, result: string) => sampleSum(text, 'chorus_gateway_send_seconds_count', { result, service: 'gateway' });
    // Earlier tests sent through both gateways, had a duplicate replayed and an 11th send refused.
    expect(sends(one, 'ok') + sends(two, 'ok')).toBeGreaterThan(0);
    expect(sends(one, 'duplicate') + sends(two, 'duplicate')).toBeGreaterThan(0);
    expect(sends(one, 'RATE_LIMITED') + sends(two, 'RATE_LIMITED')).toBeGreaterThan(0);
    expect(sampleSum(one, 'chorus_gateway_sockets') + sampleSum(two, 'chorus_gateway_sockets')).toBeGreaterThan(0);
    expect(sampleSum(await scrape(fleet.history), 'chorus_history_envelopes_total', { outcome: 'inserted' })).toBeGreaterThan(0);
    expect(sampleSum(await scrape(fleet.membership), 'chorus_authz_answer_seconds_count', { status: 'allowed' })).toBeGreaterThan(0);
  });
});
