// One load-generator process of `npm run bench:connections` (bench/connections.ts forks several, so the
// 10,000 client sockets are spread over processes and file-descriptor limits): holds its share of the
// sockets, sends when told to, and reports deliveries by the nonce they carry. Times are
// process.hrtime (CLOCK_MONOTONIC: one clock for every process on the machine), in ms.
import { io, type Socket } from 'socket.io-client';
import type { Message } from '@chorus/contracts';
import type { ToWorker, WorkerSocket } from './connections-protocol.js';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const send = (msg: unknown) => process.send!(msg);

const sockets: Socket[] = [];
/** Per fan-out nonce: how many of this worker's big-channel sockets got it, first and last arrival. */
const fan = new Map<string, { count: number; first: number; last: number }>();
let bigSockets = 0;
const busyLatencies: number[] = [];

function onMessage(message: Message): void {
  const nonce = message.nonce ?? '';
  const t = now();
  if (nonce.startsWith('fan:')) {
    const f = fan.get(nonce) ?? { count: 0, first: t, last: t };
    f.count++;
    f.last = t;
    fan.set(nonce, f);
    if (f.count === bigSockets) send({ type: 'fan', nonce, count: f.count, first: f.first, last: f.last });
  } else if (nonce.startsWith('busy:')) {
    busyLatencies.push(t - Number(nonce.split(':')[1]));
  }
}

async function connectOne(spec: WorkerSocket): Promise<void> {
  const socket = io(spec.url, { transports: ['websocket'], auth: spec.auth, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(new Error(`connect: ${err.message}`)));
  });
  const ack = (await socket.timeout(30_000).emitWithAck('channel:join', { channelId: spec.channelId })) as {
    ok: boolean;
    error?: { code: string };
  };
  if (!ack.ok) throw new Error(`channel:join: ${ack.error?.code}`);
  socket.on('message:created', onMessage);
  sockets[spec.index] = socket;
}

async function connectAll(specs: WorkerSocket[], concurrency: number): Promise<void> {
  bigSockets += specs.filter((s) => s.big).length;
  const errors: string[] = [];
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < specs.length) {
      const spec = specs[next++]!;
      await connectOne(spec).catch((err: Error) => errors.push(err.message));
      if (++done % 500 === 0) send({ type: 'progress', done });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  send({ type: 'connected', ok: specs.length - errors.length, failed: errors.length, errors: [...new Set(errors)].slice(0, 5) });
}

function sendOne(index: number, channelId: string, nonce: string, onAck: (ok: boolean, code?: string) => void): void {
  const socket = sockets[index];
  if (!socket) return onAck(false, 'NO_SOCKET');
  socket
    .timeout(10_000)
    .emit(
      'message:send',
      { channelId, content: `bench ${nonce}`, nonce },
      (err: Error | null, ack: { ok: boolean; error?: { code: string } }) => onAck(!err && ack.ok, err ? 'ACK_TIMEOUT' : ack.error?.code),
    );
}

/** Each sender sends every `intervalMs` for `durationMs`; nonces carry the send time. */
function busy(senders: Array<{ index: number; channelId: string }>, intervalMs: number, durationMs: number): void {
  busyLatencies.length = 0;
  let acked = 0;
  let failed = 0;
  const end = now() + durationMs;
  const timers = senders.map((s, i) =>
    setTimeout(
      () => {
        const tick = setInterval(() => {
          if (now() > end) return clearInterval(tick);
          sendOne(s.index, s.channelId, `busy:${now()}:${i}`, (ok) => (ok ? acked++ : failed++));
        }, intervalMs);
      },
      (intervalMs * i) / senders.length,
    ),
  );
  setTimeout(() => {
    timers.forEach(clearTimeout);
    send({ type: 'busy-done', acked, failed });
  }, durationMs + 3_000);
}

process.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'connect':
      void connectAll(msg.sockets, msg.concurrency);
      break;
    case 'fan-send': {
      const t0 = now();
      sendOne(msg.index, msg.channelId, msg.nonce, (ok, code) =>
        send({ type: 'fan-ack', nonce: msg.nonce, ok, code, sentAt: t0, ackAt: now() }),
      );
      break;
    }
    case 'fan-count': {
      const f = fan.get(msg.nonce);
      send({ type: 'fan', nonce: msg.nonce, count: f?.count ?? 0, first: f?.first ?? NaN, last: f?.last ?? NaN });
      break;
    }
    case 'busy':
      busy(msg.senders, msg.intervalMs, msg.durationMs);
      break;
    case 'busy-report':
      send({ type: 'busy-report', latencies: busyLatencies });
      break;
    case 'close':
      for (const s of sockets) s?.disconnect();
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
