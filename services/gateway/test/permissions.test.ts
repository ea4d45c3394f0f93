import { describe, expect, it } from 'vitest';
import { ChannelJoinAckSchema, MessageSendAckSchema, parseEnvelope, topologyNames, type Permission } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { record, request, type Client, type RunningGateway } from './support/gateway-harness.js';
import { channelRoom } from '../src/types.js';
import { newUser } from './support/stand-ins.js';
import { useInProcessGateways } from './support/in-process.js';

/**
 * SPEC 15 on the gateway: sends need SEND_MESSAGES and joins READ_HISTORY in that channel, and the
 * permission events drop the cached answers of every gateway. Two gateways in this process, real Redis
 * and RabbitMQ; membership's answers come from the STAND-IN (support/stand-ins.ts), whose directory the
 * tests change before publishing the event membership would publish. (Without the event, a cached answer
 * would hold for AUTHZ_CACHE_TTL_MS, 30 s: every "until" below would time out.)
 */
const iso = isolated('gw-permissions');
const names = topologyNames(iso.amqpPrefix);
// Polling sends until a change holds may be accepted many times before it does: the rate limit is not under test here.
const world = useInProcessGateways(iso, { p1: { SEND_RATE_LIMIT: 1_000 }, p2: { SEND_RATE_LIMIT: 1_000 } });
const { connectAs } = world;
const join = async (client: Client, channelId: string) => ChannelJoinAckSchema.parse(await request(client, 'channel:join', { channelId }));
const send = async (client: Client, channelId: string, content = 'hello') =>
  MessageSendAckSchema.parse(await request(client, 'message:send', { channelId, content }));
const code = (ack: { ok: boolean; error?: { code: string } }) => (ack.ok ? 'ok' : ack.error?.code);

/** The contents of the message.created envelopes in history's queue (what the gateways published), drained. */
async function published(): Promise<string[]> {
  const out: string[] = [];
  for (const m of await world.drain(names.historyQueue)) {
    const parsed = parseEnvelope(JSON.parse(m.content.toString('utf8')));
    if (parsed.ok && parsed.envelope.type === 'message.created') out.push(parsed.envelope.payload.content);
  }
  return out;
}

/** Ada owns a server with two channels; bob is a member, connected to both gateways. */
function stage() {
  const ada = newUser('ada');
  const bob = newUser('bob');
  const { serverId, channelIds } = world.authz.directory.addServer(ada, ['general', 'announcements']);
  world.authz.directory.join(serverId, bob);
  const [general, announcements] = channelIds as [string, string];
  const allow = (channelId: string, permissions: Permission[]) => world.authz.directory.setPermissions(channelId, bob, permissions);
  return { ada, bob, serverId, general, announcements, allow };
}

describe('SEND_MESSAGES and READ_HISTORY on the socket', () => {
  it('message:send without SEND_MESSAGES in that channel is FORBIDDEN and nothing is published; with it, sent', async () => {
    const { bob, general, announcements, allow } = stage();
    allow(announcements, ['READ_HISTORY']);
    const bobOn1 = await connectAs(world.p1, bob);
    await published();
    expect(await send(bobOn1, announcements, 'not here')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringContaining('SEND_MESSAGES') },
    });
    expect(await send(bobOn1, general, 'fine here')).toMatchObject({ ok: true });
    expect(await published()).toEqual(['fine here']);
    // Reading a read-only channel is still allowed.
    expect(await join(bobOn1, announcements)).toMatchObject({ ok: true });
  });

  it('channel:join without READ_HISTORY is FORBIDDEN (the socket is not in the room); with it, joined', async () => {
    const { bob, general, announcements, allow } = stage();
    allow(announcements, ['SEND_MESSAGES']);
    const bobOn2 = await connectAs(world.p2, bob);
    expect(await join(bobOn2, announcements)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringContaining('READ_HISTORY') },
    });
    expect(world.p2.gateway.io.of('/').adapter.rooms.get(channelRoom(announcements))).toBeUndefined();
    expect(await join(bobOn2, general)).toMatchObject({ ok: true, channel: { id: general } });
  });

  it('typing:start in a channel one may not send to is not relayed; where one may, it is', async () => {
    const { ada, bob, general, announcements, allow } = stage();
    allow(announcements, ['READ_HISTORY']);
    const adaOn1 = await connectAs(world.p1, ada);
    const bobOn1 = await connectAs(world.p1, bob);
    for (const c of [adaOn1, bobOn1]) for (const id of [general, announcements]) expect(await join(c, id)).toMatchObject({ ok: true });
    const typing = record(adaOn1, 'typing:start');
    const seen = record(adaOn1, 'message:created');
    bobOn1.emit('typing:start', { channelId: announcements });
    // Bob's send is acked after his typing was handled (same socket, same Redis connection); ada's marker
    // then leaves the same gateway on the announcements room's channel after anything bob's typing sent there.
    expect(await send(bobOn1, general, 'after typing')).toMatchObject({ ok: true });
    expect(await send(adaOn1, announcements, 'marker')).toMatchObject({ ok: true });
    await waitFor(() => seen.some((m) => m.content === 'marker'), 'the marker');
    expect(typing).toEqual([]);
    bobOn1.emit('typing:start', { channelId: general });
    await waitFor(() => typing.length === 1, 'typing where bob may send');
    expect(typing).toEqual([{ channelId: general, user: { id: bob.id, username: bob.username } }]);
  });

  it('an administrator or the owner needs no explicit grant', async () => {
    const { ada, bob, announcements, allow } = stage();
    allow(announcements, ['ADMINISTRATOR']);
    expect(await send(await connectAs(world.p1, bob), announcements)).toMatchObject({ ok: true });
    expect(await send(await connectAs(world.p2, ada), announcements)).toMatchObject({ ok: true });
  });
});

describe('permission changes reach every gateway (the events drop the cached answers)', () => {
  it('role.changed: a permission removed, then granted again, refuses and then accepts sends on both gateways', async () => {
    const { bob, serverId, general, allow } = stage();
    const bobs = [await connectAs(world.p1, bob), await connectAs(world.p2, bob)];
    for (const c of bobs) expect(await send(c, general, 'cached')).toMatchObject({ ok: true });

    allow(general, ['READ_HISTORY']);
    await world.events.publish(
      'role.changed',
      1,
      { serverId, roleId: serverId, change: 'updated', permissions: ['READ_HISTORY'] },
      'membership',
    );
    for (const c of bobs) await waitFor(async () => code(await send(c, general, 'now?')) === 'FORBIDDEN', 'send refused');

    allow(general, ['READ_HISTORY', 'SEND_MESSAGES']);
    await world.events.publish(
      'role.changed',
      1,
      { serverId, roleId: serverId, change: 'updated', permissions: ['READ_HISTORY', 'SEND_MESSAGES'] },
      'membership',
    );
    for (const c of bobs) await waitFor(async () => code(await send(c, general, 'again?')) === 'ok', 'send accepted');
  });

  it('override.changed drops the channel’s answers and member.updated the member’s', async () => {
    const { bob, serverId, general, allow } = stage();
    const bobs = [await connectAs(world.p1, bob), await connectAs(world.p2, bob)];
    for (const c of bobs) expect(await send(c, general, 'cached')).toMatchObject({ ok: true });

    allow(general, ['READ_HISTORY']);
    await world.events.publish(
      'override.changed',
      1,
      { serverId, channelId: general, roleId: serverId, allow: [], deny: ['SEND_MESSAGES'] },
      'membership',
    );
    for (const c of bobs) await waitFor(async () => code(await send(c, general, 'now?')) === 'FORBIDDEN', 'send refused');

    allow(general, ['READ_HISTORY', 'SEND_MESSAGES']);
    await world.events.publish('member.updated', 1, { serverId, userId: bob.id, roleIds: [serverId] }, 'membership');
    for (const c of bobs) await waitFor(async () => code(await send(c, general, 'again?')) === 'ok', 'send accepted');
  });

  it('a socket that loses READ_HISTORY leaves the room on every gateway: no delivery after the change', async () => {
    const { ada, bob, serverId, general, announcements, allow } = stage();
    const adaOn1 = await connectAs(world.p1, ada);
    const bobs = [await connectAs(world.p1, bob), await connectAs(world.p2, bob)];
    for (const c of bobs) for (const id of [general, announcements]) expect(await join(c, id)).toMatchObject({ ok: true });
    const got = bobs.map((c) => record(c, 'message:created'));

    allow(announcements, []);
    await world.events.publish(
      'override.changed',
      1,
      { serverId, channelId: announcements, roleId: serverId, allow: [], deny: ['READ_HISTORY', 'SEND_MESSAGES'] },
      'membership',
    );
    const inRoom = (gw: RunningGateway) => gw.gateway.sockets.ofUser(bob.id).some((s) => s.data.channels.has(announcements));
    await waitFor(() => !inRoom(world.p1) && !inRoom(world.p2), 'bob out of the room on both gateways');

    expect(await send(adaOn1, announcements, 'secret')).toMatchObject({ ok: true });
    expect(await send(adaOn1, general, 'marker')).toMatchObject({ ok: true });
    // Both broadcasts leave in this order: had bob still been in the room, the secret would have come first.
    await waitFor(() => got.every((g) => g.length >= 1), 'the marker on both of bob’s sockets');
    for (const g of got) expect(g.map((m) => m.content)).toEqual(['marker']);
    expect(await join(bobs[0]!, announcements)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('kick and ban on the socket', () => {
  it('member.kicked / member.banned with their member.left: sockets leave the server, told server:removed once, sends refused', async () => {
    for (const removal of ['member.kicked', 'member.banned'] as const) {
      const { ada, bob, serverId, general } = stage();
      const adaOn1 = await connectAs(world.p1, ada);
      const bobs = [await connectAs(world.p1, bob), await connectAs(world.p2, bob)];
      for (const c of bobs) expect(await join(c, general)).toMatchObject({ ok: true });
      for (const c of bobs) expect(await send(c, general, 'cached')).toMatchObject({ ok: true });
      const removed = bobs.map((c) => record(c, 'server:removed'));
      const got = bobs.map((c) => record(c, 'message:created'));

      world.authz.directory.leave(serverId, bob);
      await world.events.publish(removal, 1, { serverId, userId: bob.id, actorId: ada.id }, 'membership');
      await world.events.publish('member.left', 1, { serverId, userId: bob.id }, 'membership');
      await waitFor(() => removed.every((r) => r.length >= 1), `server:removed on both gateways after ${removal}`);

      // A marker server bob still belongs to shows when everything before it was delivered.
      const other = world.authz.directory.addServer(ada);
      world.authz.directory.join(other.serverId, bob);
      for (const c of bobs) expect(await join(c, other.channelIds[0]!)).toMatchObject({ ok: true });
      expect(await send(adaOn1, general, 'after the removal')).toMatchObject({ ok: true });
      expect(await send(adaOn1, other.channelIds[0]!, 'marker')).toMatchObject({ ok: true });
      await waitFor(() => got.every((g) => g.some((m) => m.content === 'marker')), 'the marker on both sockets');
      for (const g of got) expect(g.map((m) => m.content)).not.toContain('after the removal');
      for (const r of removed) expect(r).toEqual([{ serverId }]);
      for (const c of bobs) expect(await send(c, general, 'still here?')).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    }
  });
});
