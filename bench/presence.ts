// Presence at 1,000 connected users (SPEC 11): `npm run bench:presence` (about 30 s).
// Options: --users 1000 --servers 100 --subscribers 50 --duration 8 --concurrency 32
//
// Two Socket.IO servers on the gateway's own sharded Redis adapter and its real presence script
// (services/gateway/src/presence), 1,000 socket.io-client users split over them, every user a member
// of every server (a user in 100 servers, each server 1,000 members). `--subscribers` users watch
// server 0's presence (they sit in its presence room, as `presence:subscribe` puts them). Then status
// changes in a closed loop for `--duration` seconds, measured twice on the same sockets:
//   lazy  — the gateway's design: one script call per change, one message per server of the user to
//           that server's presence room (reaching only gateways with a subscriber), one per DM partner;
//   naive — what pushing every change to every co-member costs: one broadcast per change to the user
//           rooms of all members (one adapter message, fanned out to 999 sockets across both servers).
// Prints changes/s, deliveries/s and messages per change for both.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createLogger } from '@chorus/runtime';
import { createPresenceStore } from '../services/gateway/src/presence/presence-store.js';
import { createRedisClients, createRoomsAdapter, redisReady, roomsChannelPrefix } from '../services/gateway/src/redis.js';
import { presenceRoom, userRoom } from '../services/gateway/src/types.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    servers: { type: 'string', default: '100' },
    subscribers: { type: 'string', default: '50' },
    duration: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '32' },
  },
});
const USERS = Number(args.users);
const SERVERS = Number(args.servers);
const SUBSCRIBERS = Number(args.subscribers);
const DURATION_MS = Number(args.duration) * 1000;
const CONCURRENCY = Number(args.concurrency);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-presence-${process.pid}:`;
const logger = createLogger('bench-presence', 'warn');
const hex = (n: number) => n.toString(16).padStart(24, '0');
const userIds = Array.from({ length: USERS }, (_, i) => hex(0xa000000 + i));
const serverIds = Array.from({ length: SERVERS }, (_, i) => hex(0xb000000 + i));

async function startNode(name: string) {
  const clients = createRedisClients(redisUrl, logger, name);
  await Promise.all([redisReady(clients.redis), redisReady(clients.sub)]);
  const http = createServer();
  const io = new Server(http, { adapter: createRoomsAdapter(clients, prefix), transports: ['websocket'] });
  io.on('connection', (socket) => {
    const { userId, watch } = socket.handshake.auth as { userId: string; watch: boolean };
    void socket.join(userRoom(userId));
    if (watch) void socket.join(presenceRoom(serverIds[0]!));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const store = createPresenceStore({ redis: clients.redis, prefix, channelPrefix: roomsChannelPrefix(prefix), gatewayId: name });
  const close = async () => {
    await new Promise<void>((resolve) => void io.close(() => resolve()));
    await Promise.allSettled([clients.redis.quit(), clients.sub.quit()]);
  };
  return { io, store, port: (http.address() as AddressInfo).port, close };
}

async function main() {
  const nodes = [await startNode('bench-gw1'), await startNode('bench-gw2')];
  let delivered = 0;
  let waiter: { target: number; resolve: () => void } | undefined;
  const onDelivered = () => {
    delivered++;
    if (waiter && delivered >= waiter.target) {
      waiter.resolve();
      waiter = undefined;
    }
  };
  /** Resolves once `target` deliveries arrived (the naive run waits for each change's fan-out: a closed loop). */
  const deliveredUpTo = (target: number) =>
    delivered >= target ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { target, resolve }));
  const sockets: Socket[] = [];
  for (let i = 0; i < USERS; i++) {
    const node = nodes[i % 2]!;
    const socket = connect(`http://127.0.0.1:${node.port}`, {
      transports: ['websocket'],
      forceNew: true,
      auth: { userId: userIds[i], watch: i < SUBSCRIBERS },
    });
    socket.on('presence:updated', onDelivered);
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
    await node.store.connect(userIds[i]!, serverIds);
  }
  process.stdout.write(
    `presence bench: ${USERS} users connected over 2 servers, each in ${SERVERS} servers; ${SUBSCRIBERS} watch server 0\n`,
  );

  const statuses = ['idle', 'online', 'dnd', 'online'] as const;
  const run = async (label: string, change: (i: number, n: number) => Promise<unknown>, concurrency = CONCURRENCY) => {
    await new Promise((r) => setTimeout(r, 500));
    delivered = 0;
    let changes = 0;
    const end = Date.now() + DURATION_MS;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        for (let n = w; Date.now() < end; n += concurrency) {
          await change(n % USERS, Math.floor(n / USERS));
          changes++;
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 1_000)); // let deliveries in flight arrive
    const seconds = (Date.now() - started - 1_000) / 1000;
    return {
      label,
      changes,
      perSecond: changes / seconds,
      deliveredPerSecond: delivered / seconds,
      deliveredPerChange: delivered / changes,
    };
  };

  const lazy = await run('lazy (per-server presence rooms, subscribers only)', (i, n) =>
    nodes[i % 2]!.store.set(userIds[i]!, statuses[n % statuses.length]!),
  );
  const everyone = userIds.map((id) => userRoom(id));
  let sent = 0;
  const naive = await run(
    'naive (every change to every co-member)',
    async (i, n) => {
      nodes[i % 2]!.io.to(everyone.filter((r) => r !== userRoom(userIds[i]!))).emit(
        'presence:updated' as never,
        {
          userId: userIds[i],
          status: statuses[n % statuses.length],
        } as never,
      );
      sent++;
      // Closed loop: at most 4 changes' fan-out in flight, so the rate is what the fleet delivers.
      await deliveredUpTo(Math.max(0, (sent - 4) * (USERS - 1)));
    },
    1,
  );

  const line = (r: typeof lazy) =>
    `| ${r.label} | ${r.changes} | ${r.perSecond.toFixed(0)} | ${r.deliveredPerSecond.toFixed(0)} | ${r.deliveredPerChange.toFixed(1)} |`;
  process.stdout.write(
    [
      '',
      `| ${USERS} users, ${SERVERS} servers each, ${SUBSCRIBERS} watching one | changes | changes/s | deliveries/s | deliveries per change |`,
      '|---|---|---|---|---|',
      line(lazy),
      line(naive),
      '',
      `A naive design that pushes to every member of every server (no dedupe) would send ${SERVERS} × ${USERS - 1} = ${SERVERS * (USERS - 1)} messages per change.`,
      '',
    ].join('\n'),
  );

  for (const s of sockets) s.disconnect();
  await Promise.all(nodes.map((n) => n.close()));
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) await redis.del(key);
  } while (cursor !== '0');
  redis.disconnect();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
