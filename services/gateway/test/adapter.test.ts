import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createLogger, isRedisCluster, type RedisClient } from '@chorus/runtime';
import type { Message } from '@chorus/contracts';
import { encodeMessageCreated } from '../src/broadcast/message-created.js';
import { createRedisClients, createRoomsAdapter, redisReady, roomsChannelPrefix, type RedisClients } from '../src/redis.js';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { channelRoom } from '../src/types.js';

/**
 * The adapter decision (README): @socket.io/redis-adapter's SHARDED adapter (Redis 7 SPUBLISH/SSUBSCRIBE,
 * dynamic subscription mode) driven by ioredis. These tests show it works with ioredis on this Redis: a
 * room broadcast crosses servers, and survives the subscriber reconnecting (ioredis re-issues SSUBSCRIBE).
 */
const iso = isolated('gw-adapter');
const logger = createLogger('adapter-test', 'silent');
const servers: Array<{ io: Server; clients: RedisClients }> = [];
const sockets: Socket[] = [];

async function startServer(): Promise<{ io: Server; url: string; clients: RedisClients }> {
  const clients = createRedisClients(iso.redisTarget, logger, 'adapter-test');
  await Promise.all([redisReady(clients.redis), redisReady(clients.sub)]);
  const http = createServer();
  const io = new Server(http, { adapter: createRoomsAdapter(clients, iso.redisPrefix) });
  io.on('connection', (socket) => {
    socket.on('join', (room: string, ack: () => void) => {
      void socket.join(room);
      ack();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  servers.push({ io, clients });
  return { io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, clients };
}

/** PUBSUB on every node that may hold the shard channel (each master of a Cluster, or the one Redis). */
async function pubsub(redis: RedisClient, ...args: string[]): Promise<unknown[]> {
  const nodes = isRedisCluster(redis) ? redis.nodes('master') : [redis];
  return Promise.all(nodes.map((node) => node.call('PUBSUB', ...args)));
}

/**
 * Waits until `n` servers subscribe to a room's shard channel. socket.join does not wait for SSUBSCRIBE;
 * on a Cluster the node's sharded subscriber connection may still be connecting, so a publish right after
 * the join could come before the subscription (a test race, not a lost subscription).
 */
async function subscribed(redis: RedisClient, room: string, n: number): Promise<void> {
  const channel = `${iso.redisPrefix}socket.io#/#${room}#`;
  await waitFor(async () => {
    const counts = (await pubsub(redis, 'SHARDNUMSUB', channel)) as [string, number][];
    return counts.reduce((sum, [, count]) => sum + Number(count), 0) >= n;
  }, `${n} subscribers of ${room}`);
}

async function client(url: string, room: string): Promise<{ socket: Socket; got: unknown[] }> {
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  sockets.push(socket);
  const got: unknown[] = [];
  socket.on('news', (m: unknown) => got.push(m));
  await socket.timeout(5_000).emitWithAck('join', room);
  return { socket, got };
}

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const { io, clients } of servers) {
    await io.close();
    await Promise.allSettled([clients.redis.quit(), clients.sub.quit()]);
  }
  await iso.cleanup();
});

describe('sharded redis adapter over ioredis', () => {
  it('delivers a room broadcast from one server to clients of another, and not to other rooms', async () => {
    const a = await startServer();
    const b = await startServer();
    // Under test:cluster this runs on an ioredis Cluster (REDIS_CLUSTER_NODES), otherwise on one Redis.
    expect(isRedisCluster(a.clients.redis)).toBe(Boolean(iso.redisClusterNodes));
    expect(isRedisCluster(a.clients.sub)).toBe(Boolean(iso.redisClusterNodes));
    const onA = await client(a.url, 'channel:1');
    const onB = await client(b.url, 'channel:1');
    const elsewhere = await client(b.url, 'channel:2');
    await subscribed(a.clients.redis, 'channel:1', 2);
    await subscribed(a.clients.redis, 'channel:2', 1);

    a.io.to('channel:1').emit('news', 'first');
    a.io.to('channel:2').emit('news', 'marker');
    await waitFor(() => elsewhere.got.length === 1, 'marker on the other room');
    await waitFor(() => onB.got.length === 1, 'cross-server delivery');
    expect(onA.got).toEqual(['first']);
    expect(onB.got).toEqual(['first']);
    expect(elsewhere.got).toEqual(['marker']);

    // The room channel is a Redis 7 shard channel under REDIS_PREFIX.
    const channels = ((await pubsub(a.clients.redis, 'SHARDCHANNELS', `${iso.redisPrefix}*`)) as string[][]).flat();
    expect(channels).toContain(`${iso.redisPrefix}socket.io#/#channel:1#`);
  });

  it('keeps delivering after the subscriber connection drops and reconnects', async () => {
    const a = await startServer();
    const b = await startServer();
    const onB = await client(b.url, 'channel:3');
    let reconnects = 0;
    b.clients.sub.on('reconnecting', () => reconnects++);
    b.clients.sub.disconnect(true); // drop the TCP connection; ioredis reconnects and re-subscribes
    await waitFor(() => reconnects > 0 && b.clients.sub.status === 'ready', 'subscriber reconnected');
    await waitFor(async () => {
      const n = (await pubsub(a.clients.redis, 'SHARDNUMSUB', `${iso.redisPrefix}socket.io#/#channel:3#`)) as [string, number][];
      return n.some(([, count]) => count >= 1);
    }, 'shard channel re-subscribed');
    a.io.to('channel:3').emit('news', 'after reconnect');
    await waitFor(() => onB.got.length === 1, 'delivery after reconnect');
    expect(onB.got).toEqual(['after reconnect']);
  });

  it("delivers a message:created that Redis itself published (the send script), on every server, the publisher's too", async () => {
    const a = await startServer();
    const b = await startServer();
    const channelId = 'cccccccccccccccccccccccc';
    const seen = (url: string) =>
      client(url, channelRoom(channelId)).then(({ socket }) => {
        const got: Message[] = [];
        socket.on('message:created', (m: Message) => got.push(m));
        return got;
      });
    const onA = await seen(a.url);
    const onB = await seen(b.url);
    await subscribed(a.clients.redis, channelRoom(channelId), 2);
    const message: Message = {
      id: '6740a1b2000000000000002a',
      channelId,
      serverId: 'dddddddddddddddddddddddd',
      author: { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', username: 'ada', displayName: 'ada', avatarUrl: null },
      content: 'from lua',
      nonce: 'n-1',
      createdAt: '2026-11-21T14:00:00.000Z',
      editedAt: null,
      reactions: [],
    };
    const { channel, payload } = encodeMessageCreated(roomsChannelPrefix(iso.redisPrefix), message);
    // The same call the send script makes, from a plain connection that belongs to no adapter.
    await a.clients.redis.eval("return redis.call('SPUBLISH', KEYS[1], ARGV[1])", 1, channel, payload);
    await waitFor(() => onA.length === 1 && onB.length === 1, 'delivered on both servers');
    expect(onA).toEqual([message]);
    expect(onB).toEqual([message]);
  });
});
