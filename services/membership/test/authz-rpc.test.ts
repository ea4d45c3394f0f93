import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqplib, { type Channel as AmqpChannel, type ChannelModel } from 'amqplib';
import {
  ALL_PERMISSIONS,
  AuthzResponse,
  ChannelListResponse,
  DmChannel,
  ServerDetail,
  topologyNames,
  type AuthResponse,
} from '@chorus/contracts';
import { connectBroker, createAuthzClient, createLogger, type AmqpConnectionManager, type AuthzClient } from '@chorus/runtime';
import { sampleSum } from '../../../test/support/metrics.js';
import { waitFor } from '../../../test/support/wait.js';
import { bearer, startHarness, type Harness } from './harness.js';

let h: Harness;
let owner: AuthResponse;
let member: AuthResponse;
let stranger: AuthResponse;
let server: ServerDetail;
let general: string;
let broker: AmqpConnectionManager;
let client: AuthzClient;

/** A raw RPC caller (amqplib, direct reply-to) to send what a well-behaved client never would. */
let raw: { conn: ChannelModel; ch: AmqpChannel; replies: Map<string, unknown> };
async function ask(content: Buffer | string, props: Record<string, unknown> = {}): Promise<unknown> {
  const correlationId = randomUUID();
  raw.ch.sendToQueue(topologyNames(h.iso.amqpPrefix).authzQueue, Buffer.from(content), {
    replyTo: 'amq.rabbitmq.reply-to',
    correlationId,
    contentType: 'application/json',
    ...props,
  });
  return waitFor(() => raw.replies.get(correlationId), `reply ${correlationId}`, 5_000);
}

beforeAll(async () => {
  h = await startHarness('authzrpc');
  [owner, member, stranger] = await Promise.all([h.register('owner'), h.register('member'), h.register('stranger')]);
  server = ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'Authz' })).body);
  general = server.channels[0]!.id;
  await h.api.put(`/api/servers/${server.id}/members/@me`).set('authorization', bearer(member)).expect(201);

  broker = connectBroker(h.iso.amqpUrl, createLogger('authz-caller', 'silent'), 'authz-test');
  client = createAuthzClient({
    connection: broker,
    names: topologyNames(h.iso.amqpPrefix),
    logger: createLogger('authz-caller', 'silent'),
    cacheTtlMs: 0,
  });
  await new Promise<void>((resolve) => (broker.isConnected() ? resolve() : broker.once('connect', () => resolve())));

  const conn = await amqplib.connect(h.iso.amqpUrl);
  const ch = await conn.createChannel();
  const replies = new Map<string, unknown>();
  await ch.consume(
    'amq.rabbitmq.reply-to',
    (msg) => {
      if (msg) replies.set(String(msg.properties.correlationId), JSON.parse(msg.content.toString('utf8')));
    },
    { noAck: true },
  );
  raw = { conn, ch, replies };
});
afterAll(async () => {
  await client?.close();
  await broker?.close();
  await raw?.conn.close().catch(() => undefined);
  await h?.close();
});

describe('authorization RPC (contract: libs/contracts broker/rpc.ts)', () => {
  it('owner → allowed as owner, with the channel, its server and every permission', async () => {
    const answer = AuthzResponse.parse(await client.check(owner.user.id, general));
    expect(answer).toEqual({
      status: 'allowed',
      role: 'owner',
      channel: { id: general, serverId: server.id, name: 'general' },
      permissions: [...ALL_PERMISSIONS],
    });
  });

  it('member → allowed as member, with @everyone’s default permissions', async () => {
    expect(await client.check(member.user.id, general)).toEqual({
      status: 'allowed',
      role: 'member',
      channel: { id: general, serverId: server.id, name: 'general' },
      permissions: ['CREATE_INVITES', 'SEND_MESSAGES', 'READ_HISTORY'],
    });
  });

  it('stranger → not_member (with the channel, so callers can say which server)', async () => {
    expect(await client.check(stranger.user.id, general)).toEqual({
      status: 'not_member',
      channel: { id: general, serverId: server.id, name: 'general' },
    });
  });

  it('unknown channel → not_found', async () => {
    expect(await client.check(member.user.id, 'f'.repeat(24))).toEqual({ status: 'not_found' });
  });

  it.each([
    ['not JSON', 'not json {'],
    ['an array', '[]'],
    ['missing channelId', JSON.stringify({ userId: '0'.repeat(24) })],
    ['bad ids', JSON.stringify({ userId: 'x', channelId: 'y' })],
    ['operator objects', JSON.stringify({ userId: { $gt: '' }, channelId: { $gt: '' } })],
    ['extra fields', JSON.stringify({ userId: '0'.repeat(24), channelId: '0'.repeat(24), admin: true })],
  ])('%s → invalid, and the reply validates against AuthzResponse', async (_name, body) => {
    const reply = AuthzResponse.parse(await ask(body));
    expect(reply.status).toBe('invalid');
  });

  it('a request without replyTo is dropped, and the responder keeps answering', async () => {
    raw.ch.sendToQueue(topologyNames(h.iso.amqpPrefix).authzQueue, Buffer.from('{}'), { correlationId: 'x' });
    const reply = AuthzResponse.parse(await ask(JSON.stringify({ userId: member.user.id, channelId: general })));
    expect(reply.status).toBe('allowed');
  });

  it('upper-case ids are accepted and answered in lower case', async () => {
    const reply = AuthzResponse.parse(
      await ask(JSON.stringify({ userId: member.user.id.toUpperCase(), channelId: general.toUpperCase() })),
    );
    expect(reply).toMatchObject({ status: 'allowed', channel: { id: general } });
  });

  it('reflects leave, channel deletion and server deletion at once', async () => {
    const s = ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'Changing' })).body);
    const c = s.channels[0]!.id;
    const extra = (await h.api.post(`/api/servers/${s.id}/channels`).set('authorization', bearer(owner)).send({ name: 'extra' })).body
      .id as string;
    await h.api.put(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).expect(201);
    expect((await client.check(member.user.id, c)).status).toBe('allowed');
    expect((await client.check(member.user.id, extra)).status).toBe('allowed');

    await h.api.delete(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).expect(204);
    expect((await client.check(member.user.id, c)).status).toBe('not_member');

    await h.api.delete(`/api/servers/${s.id}/channels/${extra}`).set('authorization', bearer(owner)).expect(204);
    expect((await client.check(owner.user.id, extra)).status).toBe('not_found');

    await h.api.delete(`/api/servers/${s.id}`).set('authorization', bearer(owner)).expect(204);
    expect((await client.check(owner.user.id, c)).status).toBe('not_found');
  });

  it('a new channel is authorized at once (misses are not cached)', async () => {
    expect((await client.check(member.user.id, 'a'.repeat(24))).status).toBe('not_found');
    const created = await h.api.post(`/api/servers/${server.id}/channels`).set('authorization', bearer(owner)).send({ name: 'fresh' });
    expect((await client.check(member.user.id, created.body.id as string)).status).toBe('allowed');
  });

  it('server-channels: the server’s channels in creation order for the owner and members, refused for others', async () => {
    const s = ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'Listed' })).body);
    const extra = (await h.api.post(`/api/servers/${s.id}/channels`).set('authorization', bearer(owner)).send({ name: 'extra' })).body;
    await h.api.put(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).expect(201);
    const expected = {
      status: 'allowed',
      serverId: s.id,
      channels: [
        { id: s.channels[0]!.id, name: 'general' },
        { id: extra.id as string, name: 'extra' },
      ],
    };
    for (const who of [owner, member]) {
      expect(ChannelListResponse.parse(await client.channels({ kind: 'server-channels', userId: who.user.id, serverId: s.id }))).toEqual(
        expected,
      );
    }
    expect(await client.channels({ kind: 'server-channels', userId: stranger.user.id, serverId: s.id })).toEqual({ status: 'not_member' });
    expect(await client.channels({ kind: 'server-channels', userId: member.user.id, serverId: 'f'.repeat(24) })).toEqual({
      status: 'not_found',
    });
    await h.api.delete(`/api/servers/${s.id}/members/@me`).set('authorization', bearer(member)).expect(204);
    expect((await client.channels({ kind: 'server-channels', userId: member.user.id, serverId: s.id })).status).toBe('not_member');
  });

  it('dm-channels answers the caller’s DMs (empty before any); malformed channel-list requests → invalid', async () => {
    expect(await client.channels({ kind: 'dm-channels', userId: member.user.id })).toEqual({
      status: 'allowed',
      serverId: null,
      channels: [],
    });
    const dm = DmChannel.parse((await h.api.post('/api/dms').set('authorization', bearer(member)).send({ userId: owner.user.id })).body);
    expect(await client.channels({ kind: 'dm-channels', userId: member.user.id })).toEqual({
      status: 'allowed',
      serverId: null,
      channels: [{ id: dm.id, name: 'dm' }],
    });
    expect(await client.channels({ kind: 'dm-channels', userId: stranger.user.id })).toEqual({
      status: 'allowed',
      serverId: null,
      channels: [],
    });
    for (const body of [
      { kind: 'server-channels', userId: member.user.id },
      { kind: 'nope', userId: member.user.id },
      { kind: 'server-channels', userId: member.user.id, serverId: { $gt: '' } },
      { kind: 'dm-channels', userId: member.user.id, extra: 1 },
    ]) {
      expect(ChannelListResponse.parse(await ask(JSON.stringify(body))).status).toBe('invalid');
    }
  });

  it('GET /metrics counts answers by status, and requests by route pattern (never by raw id)', async () => {
    await client.check(member.user.id, general);
    await client.check(stranger.user.id, general);
    await h.api.get(`/api/servers/${server.id}`).expect(200);
    const res = await h.api.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(sampleSum(text, 'chorus_authz_answer_seconds_count', { status: 'allowed', service: 'membership' })).toBeGreaterThan(0);
    expect(sampleSum(text, 'chorus_authz_answer_seconds_count', { status: 'not_member' })).toBeGreaterThan(0);
    expect(sampleSum(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/servers/:serverId', status: '200' })).toBe(
      1,
    );
    expect(sampleSum(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/auth/register', status: '201' })).toBe(3);
    expect(sampleSum(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(text).not.toContain(server.id);
  });

  it('another replica drops its channel cache when this one deletes (via the broker)', async () => {
    const replica = await h.replica('authz-replica-2');
    const s = ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'Replicated' })).body);
    const c = s.channels[0]!.id;
    expect(await replica.infra.channelCache.get(c)).toMatchObject({ serverId: s.id });
    const before = replica.infra.channelCache.size;
    await h.api.delete(`/api/servers/${s.id}`).set('authorization', bearer(owner)).expect(204);
    await waitFor(() => replica.infra.channelCache.size === before - 1, 'replica cache invalidation', 5_000);
  });
});
