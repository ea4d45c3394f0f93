import { describe, expect, it } from 'vitest';
import { MessageSendAckSchema, ChannelJoinAckSchema, parseEnvelope, topologyNames, type Message } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { record, request, type Client } from './support/gateway-harness.js';
import { newUser } from './support/stand-ins.js';
import { useInProcessGateways } from './support/in-process.js';
import { channelRoom } from '../src/types.js';

/**
 * Two gateways in this process (different ports, own Redis and broker connections), real Redis and
 * RabbitMQ. Membership's authorization RPC is answered by a STAND-IN on the real authz queue (see
 * support/stand-ins.ts); fleet.test.ts runs the same flows against the real membership and history.
 */
const iso = isolated('gw-fleet-inproc');
const names = topologyNames(iso.amqpPrefix);
// A long window keeps the limit test independent of how fast this machine is; the limit is what is tested.
const world = useInProcessGateways(iso, { g1: { SEND_RATE_WINDOW_MS: 60_000 }, g2: { SEND_RATE_WINDOW_MS: 60_000 } });
const { connectAs } = world;

async function join(client: Client, channelId: string) {
  const ack = ChannelJoinAckSchema.parse(await request(client, 'channel:join', { channelId }));
  expect(ack).toMatchObject({ ok: true, channel: { id: channelId } });
}

async function send(client: Client, channelId: string, content: string, nonce?: string) {
  return MessageSendAckSchema.parse(await request(client, 'message:send', { channelId, content, ...(nonce ? { nonce } : {}) }));
}

/** Drains the history queue (what history would consume) and returns the envelopes in it. */
const takeHistoryEvents = async (): Promise<unknown[]> =>
  (await world.drain(names.historyQueue)).map((msg) => JSON.parse(msg.content.toString('utf8')) as unknown);

describe('gateway fleet (two gateways, stand-in membership)', () => {
  it('users on different gateways see each other; the ack carries the message that was published durably', async () => {
    const ada = newUser('ada');
    const bob = newUser('bob');
    const { serverId, channelIds } = world.authz.directory.addServer(ada);
    const channelId = channelIds[0]!;
    world.authz.directory.join(serverId, bob);
    const adaOn1 = await connectAs(world.g1, ada);
    const bobOn2 = await connectAs(world.g2, bob);
    await join(adaOn1, channelId);
    await join(bobOn2, channelId);
    const seenByAda = record(adaOn1, 'message:created');
    const seenByBob = record(bobOn2, 'message:created');

    const ack = await send(adaOn1, channelId, '  hello fleet  ', 'nonce-1');
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.message).toMatchObject({
      channelId,
      serverId,
      author: { id: ada.id, username: ada.username },
      content: 'hello fleet',
      nonce: 'nonce-1',
      editedAt: null,
    });
    expect(ack.message.id).toMatch(/^[0-9a-f]{24}$/);
    expect('duplicate' in ack).toBe(false);

    await waitFor(() => seenByBob.length === 1 && seenByAda.length === 1, 'message:created on both gateways');
    expect(seenByBob[0]).toEqual(ack.message);
    expect(seenByAda[0]).toEqual(ack.message);

    const published = (await waitFor(async () => {
      const all = await takeHistoryEvents();
      return all.length > 0 ? all : undefined;
    }, 'message.created on the history queue')) as unknown[];
    expect(published).toHaveLength(1);
    const parsed = parseEnvelope(published[0]);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.envelope).toMatchObject({ type: 'message.created', version: 1, producer: 'gateway' });
      expect(parsed.envelope.payload).toEqual(ack.message);
    }
  });

  it('sending needs membership, not a join; non-members are refused both', async () => {
    const owner = newUser('owner');
    const stranger = newUser('stranger');
    const { channelIds } = world.authz.directory.addServer(owner);
    const channelId = channelIds[0]!;
    const ownerOn2 = await connectAs(world.g2, owner);
    const strangerOn1 = await connectAs(world.g1, stranger);
    expect(await request(strangerOn1, 'channel:join', { channelId })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await send(strangerOn1, channelId, 'let me in')).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await request(strangerOn1, 'channel:join', { channelId: '0123456789abcdef01234567' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await send(ownerOn2, '0123456789abcdef01234567', 'nowhere')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // the owner never joined the room, yet may send
    expect(await send(ownerOn2, channelId, 'no join needed')).toMatchObject({ ok: true });
    await takeHistoryEvents();
  });

  it('after leaving a server a user is out of its rooms on both gateways, is told server:removed, and is refused', async () => {
    const owner = newUser('owner');
    const leaver = newUser('leaver');
    const s1 = world.authz.directory.addServer(owner);
    const s2 = world.authz.directory.addServer(owner);
    world.authz.directory.join(s1.serverId, leaver);
    world.authz.directory.join(s2.serverId, leaver);
    const ch1 = s1.channelIds[0]!;
    const ch2 = s2.channelIds[0]!;
    const ownerOn1 = await connectAs(world.g1, owner);
    const leaverOn1 = await connectAs(world.g1, leaver);
    const leaverOn2 = await connectAs(world.g2, leaver);
    for (const c of [leaverOn1, leaverOn2]) {
      await join(c, ch1);
      await join(c, ch2);
    }
    const removed1 = record(leaverOn1, 'server:removed');
    const removed2 = record(leaverOn2, 'server:removed');
    const got1 = record(leaverOn1, 'message:created');
    const got2 = record(leaverOn2, 'message:created');
    // warm the authorization cache, so the refusal below proves it was dropped
    expect(await send(leaverOn2, ch1, 'still here')).toMatchObject({ ok: true });
    await waitFor(() => got1.length === 1 && got2.length === 1, 'the warm-up message on both gateways');
    got1.length = 0;
    got2.length = 0;

    world.authz.directory.leave(s1.serverId, leaver);
    await world.events.publish('member.left', 1, { serverId: s1.serverId, userId: leaver.id }, 'membership');
    await waitFor(() => removed1.length === 1 && removed2.length === 1, 'server:removed on both gateways');
    expect(removed1[0]).toEqual({ serverId: s1.serverId });
    expect(removed2[0]).toEqual({ serverId: s1.serverId });

    const secret = await send(ownerOn1, ch1, 'after you left');
    const marker = await send(ownerOn1, ch2, 'marker in a server you are still in');
    expect(secret.ok && marker.ok).toBe(true);
    // Both broadcasts leave gateway 1 on one Redis connection, in order: whoever got the marker would
    // already have got the first message if it were still in that room.
    await waitFor(() => got1.length >= 1 && got2.length >= 1, 'marker on both gateways');
    expect(got1.map((m) => m.content)).toEqual(['marker in a server you are still in']);
    expect(got2.map((m) => m.content)).toEqual(['marker in a server you are still in']);

    expect(await send(leaverOn1, ch1, 'can I?')).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await send(leaverOn2, ch1, 'can I?')).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await request(leaverOn2, 'channel:join', { channelId: ch1 })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    await takeHistoryEvents();
  });

  it('a duplicate nonce through the other gateway returns the original and is not broadcast again', async () => {
    const ada = newUser('ada');
    const watcher = newUser('watcher');
    const { serverId, channelIds } = world.authz.directory.addServer(ada);
    world.authz.directory.join(serverId, watcher);
    const channelId = channelIds[0]!;
    const adaOn1 = await connectAs(world.g1, ada);
    const adaOn2 = await connectAs(world.g2, ada);
    const watcherOn1 = await connectAs(world.g1, watcher);
    const watcherOn2 = await connectAs(world.g2, watcher);
    await join(watcherOn1, channelId);
    await join(watcherOn2, channelId);
    const seen1 = record(watcherOn1, 'message:created');
    const seen2 = record(watcherOn2, 'message:created');

    const original = await send(adaOn1, channelId, 'only once', 'dup-nonce');
    const replay = await send(adaOn2, channelId, 'different text, same nonce', 'dup-nonce');
    expect(original.ok && replay.ok).toBe(true);
    if (!original.ok || !replay.ok) return;
    expect(replay).toEqual({ ok: true, duplicate: true, message: original.message });

    // A marker through the gateway that saw the replay: had the replay been broadcast, it would come first.
    const marker = await send(adaOn2, channelId, 'marker');
    expect(marker.ok).toBe(true);
    await waitFor(() => seen1.length >= 2 && seen2.length >= 2, 'marker on both gateways');
    for (const seen of [seen1, seen2]) expect(seen.map((m) => m.content)).toEqual(['only once', 'marker']);
    const published = (await takeHistoryEvents()) as Array<{ payload: Message }>;
    expect(published.map((e) => e.payload.content)).toEqual(['only once', 'marker']);
  });

  it('the 11th accepted send in the window is RATE_LIMITED even spread over both gateways; refused sends do not count', async () => {
    const ada = newUser('ada');
    const { channelIds } = world.authz.directory.addServer(ada);
    const channelId = channelIds[0]!;
    const on1 = await connectAs(world.g1, ada);
    const on2 = await connectAs(world.g2, ada);
    for (let i = 0; i < 3; i++) {
      expect(await request(on1, 'message:send', { channelId, content: '   ' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
      expect(await send(on2, '0123456789abcdef01234567', 'nope')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    for (let i = 0; i < 10; i++) {
      const ack = await send(i % 2 ? on1 : on2, channelId, `message ${i}`, i === 0 ? 'first' : undefined);
      expect(ack, `send ${i}`).toMatchObject({ ok: true });
    }
    // a replay of a used nonce is answered, and does not count either
    expect(await send(on1, channelId, 'again', 'first')).toMatchObject({ ok: true, duplicate: true });
    const eleventh = await send(on1, channelId, 'one too many');
    expect(eleventh).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    if (!eleventh.ok) expect((eleventh.error.details as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(await send(on2, channelId, 'and here')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(await takeHistoryEvents()).toHaveLength(10);
  });

  it('typing:start reaches the room on every gateway but not the sender, only for joined channels', async () => {
    const ada = newUser('ada');
    const bob = newUser('bob');
    const { serverId, channelIds } = world.authz.directory.addServer(ada, ['general', 'other']);
    world.authz.directory.join(serverId, bob);
    const [general, other] = channelIds as [string, string];
    const adaOn1 = await connectAs(world.g1, ada);
    const bobOn2 = await connectAs(world.g2, bob);
    const bobOn1 = await connectAs(world.g1, bob);
    await join(adaOn1, general);
    await join(bobOn2, general);
    await join(bobOn1, general);
    await join(bobOn2, other);
    await join(bobOn1, other);
    const typingAda = record(adaOn1, 'typing:start');
    const typing2 = record(bobOn2, 'typing:start');
    const typing1 = record(bobOn1, 'typing:start');
    const messages2 = record(bobOn2, 'message:created');
    const messages1 = record(bobOn1, 'message:created');

    adaOn1.emit('typing:start', { channelId: other }); // not joined by ada: ignored
    adaOn1.emit('typing:start', { channelId: general });
    adaOn1.emit('typing:start', { channelId: general }); // within the throttle window: not relayed again
    // A message through the same gateway after the typing events: it arrives after anything they caused.
    expect(await send(adaOn1, general, 'marker')).toMatchObject({ ok: true });
    await waitFor(() => messages1.length === 1 && messages2.length === 1, 'marker on both gateways');
    await takeHistoryEvents();
    const expected = { channelId: general, user: { id: ada.id, username: ada.username } };
    expect(typing1).toEqual([expected]);
    expect(typing2).toEqual([expected]);
    expect(typingAda).toEqual([]);
  });

  it('message:updated and message:deleted from history reach each client in the room once, across the fleet', async () => {
    const ada = newUser('ada');
    const { serverId, channelIds } = world.authz.directory.addServer(ada);
    const channelId = channelIds[0]!;
    const on1 = await connectAs(world.g1, ada);
    const on2 = await connectAs(world.g2, ada);
    await join(on1, channelId);
    await join(on2, channelId);
    const updated = [record(on1, 'message:updated'), record(on2, 'message:updated')];
    const deleted = [record(on1, 'message:deleted'), record(on2, 'message:deleted')];
    const sent = await send(on1, channelId, 'to be edited');
    if (!sent.ok) throw new Error('send failed');
    await takeHistoryEvents();

    const edited: Message = { ...sent.message, content: 'edited', editedAt: new Date().toISOString() };
    await world.events.publish('message.updated', 1, edited, 'history');
    await world.events.publish('message.deleted', 1, { id: sent.message.id, channelId, serverId, deletedBy: ada.id }, 'history');
    await waitFor(() => deleted.every((d) => d.length >= 1), 'message:deleted on both gateways');
    // Both gateways consume the shared queue; had each emitted, every client would hold two copies by the
    // time markers sent afterwards through BOTH gateways' adapters arrive.
    for (const g of [world.g1, world.g2])
      g.gateway.io.to(channelRoom(channelId)).emit('message:deleted', { id: '0'.repeat(24), channelId });
    await waitFor(() => deleted.every((d) => d.length >= 3), 'markers from both gateways');
    for (const u of updated) expect(u).toEqual([edited]);
    for (const d of deleted) expect(d.filter((e) => e.id === sent.message.id)).toEqual([{ id: sent.message.id, channelId }]);
    const queue = await world.channel.checkQueue(names.gatewayBroadcastQueue);
    expect(queue.consumerCount).toBe(2);
  });
});
