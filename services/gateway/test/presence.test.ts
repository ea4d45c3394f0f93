import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presenceKeys } from '@chorus/contracts';
import type { RedisClient } from '@chorus/runtime';
import { createPresenceStore, type PresenceStore } from '../src/presence/presence-store.js';
import { roomShardChannel } from '../src/broadcast/message-created.js';
import { presenceRoom, userRoom } from '../src/types.js';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { newId } from './support/stand-ins.js';

/**
 * The presence store on real Redis (a Cluster under test:cluster): a user's transitions decided on the
 * user's slot, announced on each server's and partner's slot, a dead gateway swept by another.
 */
const iso = isolated('gw-presence');
const channelPrefix = `${iso.redisPrefix}socket.io`;
const keys = presenceKeys(iso.redisPrefix);
let redis: RedisClient;
let sub: RedisClient;
const received = new Map<string, unknown[]>();
const store = (gatewayId: string): PresenceStore =>
  createPresenceStore({ redis, prefix: iso.redisPrefix, channelPrefix, gatewayId: `${iso.amqpPrefix}-${gatewayId}`, claimMs: 5_000 });

/** The statuses a room's subscribers received, in order (the adapter message's event argument). */
async function listen(room: string): Promise<unknown[]> {
  const channel = roomShardChannel(channelPrefix, room);
  const list: unknown[] = [];
  received.set(channel, list);
  await sub.ssubscribe(channel);
  return list;
}

beforeAll(() => {
  redis = iso.redis();
  sub = iso.redis();
  sub.on('smessage', (channel: string, payload: string) => {
    const message = JSON.parse(payload) as { data: { packet: { data: [string, { status: string }] } } };
    received.get(channel)?.push(message.data.packet.data[1].status);
  });
});

afterAll(async () => {
  redis.disconnect();
  sub.disconnect();
  await iso.cleanup();
});

describe('presence store (user slot, then each target slot)', () => {
  it('announces a user to each server and partner, in order, and answers the snapshot', async () => {
    const a = store('a');
    const [user, partner, s1, s2] = [newId(), newId(), newId(), newId()];
    await redis.sadd(keys.partners(user), partner);
    const [on1, on2, dm] = await Promise.all([listen(presenceRoom(s1)), listen(presenceRoom(s2)), listen(userRoom(partner))]);
    expect(await a.connect(user, [s1, s2])).toBe('online');
    expect(await a.set(user, 'dnd')).toBe('dnd');
    expect(await a.set(user, 'invisible')).toBe('offline');
    expect(await a.set(user, 'online')).toBe('online');
    await waitFor(() => on1.length === 4 && on2.length === 4 && dm.length === 4, 'four changes everywhere').catch((e) => {
      throw new Error(JSON.stringify([on1, on2, dm]) + e);
    });
    for (const got of [on1, on2, dm]) expect(got).toEqual(['online', 'dnd', 'offline', 'online']);
    expect(await a.snapshot(s1)).toEqual([{ userId: user, status: 'online' }]);
    // A second socket changes nothing shown; the last one leaving does.
    expect(await a.connect(user, [s1])).toBe('online');
    expect(await a.disconnect(user)).toBe('online');
    expect(await a.disconnect(user)).toBe('offline');
    await waitFor(() => on1.length === 5, 'offline');
    expect(on1.at(-1)).toBe('offline');
    expect(await a.snapshot(s1)).toEqual([]);
    expect(await redis.sismember(keys.gateway(`${iso.amqpPrefix}-a`), user)).toBe(0);
  });

  it('a target drops an announcement older than the one it already has (two gateways racing)', async () => {
    const [user, server] = [newId(), newId()];
    const got = await listen(presenceRoom(server));
    await store('b').connect(user, [server]); // version 1, online
    await redis.hset(keys.online(server), user, '9:dnd'); // as if a later change had reached the server first
    await store('b').set(user, 'idle'); // version 2 < 9: dropped there
    expect(await redis.hget(keys.online(server), user)).toBe('9:dnd');
    await waitFor(() => got.length === 1, 'the first announcement');
    expect(got).toEqual(['online']);
  });

  it('sweeps a gateway whose lease ran out: its users go offline, once, whoever sweeps', async () => {
    const dead = store('dead');
    const [user, server] = [newId(), newId()];
    const got = await listen(presenceRoom(server));
    await dead.connect(user, [server]);
    await dead.heartbeat(1); // a lease that runs out at once: the process "died"
    await waitFor(async () => (await redis.zscore(keys.gateways, `${iso.amqpPrefix}-dead`)) !== null, 'lease recorded');
    await new Promise((r) => setTimeout(r, 20));
    const swept = await Promise.all([store('c').sweep(), store('d').sweep()]);
    expect(swept.reduce((x, y) => x + y, 0)).toBe(1);
    await waitFor(() => got.length === 2, 'offline announced');
    expect(got).toEqual(['online', 'offline']);
    expect(await redis.exists(keys.conns(user))).toBe(0);
    expect(await redis.exists(keys.gateway(`${iso.amqpPrefix}-dead`))).toBe(0);
  });

  it('joining a server while online announces there; leaving shows offline there only', async () => {
    const g = store('e');
    const [user, s1, s2] = [newId(), newId(), newId()];
    const [on1, on2] = await Promise.all([listen(presenceRoom(s1)), listen(presenceRoom(s2))]);
    await g.connect(user, [s1]);
    await g.joined(user, s2);
    await g.left(user, s1);
    await waitFor(() => on1.length === 2 && on2.length === 1, 'join and leave');
    expect(on1).toEqual(['online', 'offline']);
    expect(on2).toEqual(['online']);
    expect(await g.snapshot(s2)).toEqual([{ userId: user, status: 'online' }]);
    await g.reset();
    expect(await g.snapshot(s2)).toEqual([]);
  });
});

describe('presence to a target that saw nothing yet', () => {
  it('a DM partner recorded after the user came online is told the next change', async () => {
    const g = store('f');
    const [user, partner] = [newId(), newId()];
    const dm = await listen(userRoom(partner));
    await g.connect(user, []);
    await redis.sadd(keys.partners(user), partner); // membership records the pair later (dm.activity)
    await g.set(user, 'invisible');
    await waitFor(() => dm.length === 1, 'the partner told');
    expect(dm).toEqual(['offline']);
  });
});
