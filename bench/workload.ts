import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Message } from '@chorus/contracts';
import type { Connect, LoadSocket } from './sockets.js';
import { mapLimit, seededRandom, sleep, summarize, type LatencySummary } from './stats.js';

/** One simulated person: where they connect (and how: bench/sockets.ts), which channel they talk in. */
export interface WorkloadUser {
  username: string;
  url: string;
  channelId: string;
  connect: Connect;
}

export interface WorkloadParams {
  /** Sends before the measured window (connections, caches and JIT settle); not counted. */
  warmupMs: number;
  /** The measured window. */
  durationMs: number;
  /** Each user waits uniformly between these before its next send (open loop: never waits for acks). */
  minIntervalMs: number;
  maxIntervalMs: number;
  contentChars: number;
  ackTimeoutMs: number;
  /** After the last send: how long to wait for outstanding acks and deliveries. */
  drainMs: number;
  seed: number;
}

export interface WorkloadResult {
  target: string;
  users: number;
  channels: number;
  connections: Record<string, number>;
  /** Sends issued in the measured window and how they ended. */
  sent: number;
  acked: number;
  sendToAck: LatencySummary;
  sendToDelivered: LatencySummary;
  /** Deliveries (one per receiving socket) of measured messages. */
  deliveries: number;
  expectedDeliveries: number;
  missingDeliveries: number;
  duplicateDeliveries: number;
  /** Measured deliveries whose id is not greater than the last one the same socket got: the order `after=` relies on. */
  outOfOrderDeliveries: number;
  deliveredPerSecond: number;
  ackedPerSecond: number;
  /** Error counts by code (ack `ok:false` codes, ACK_TIMEOUT, DISCONNECT, …) in the measured window. */
  errors: Record<string, number>;
  warmupErrors: Record<string, number>;
  /** How late the generator fired sends compared with the schedule (its own saturation). */
  generatorLagMs: { p99: number; max: number };
  eventLoopDelayP99Ms: number;
  measuredMs: number;
}

export interface WorkloadHooks {
  onMeasureStart?: () => void;
  onMeasureEnd?: () => void;
  log?: (line: string) => void;
}

const WORDS = 'the quick brown fox jumps over a lazy dog while chorus carries every word to each member of the channel'.split(' ');

function contentOf(chars: number, rand: () => number): string {
  let s = '';
  while (s.length < chars) s += `${WORDS[Math.floor(rand() * WORDS.length)]} `;
  return s.slice(0, chars).trim() || 'x';
}

/**
 * Nonce = `<run>.<phase>.<user>.<seq>.<sentAt µs>`: every receiver can tell who sent what when, on the
 * same monotonic clock (all clients live in this process), with nothing but the delivered message.
 */
const nonceOf = (run: string, phase: 'w' | 'm', user: number, seq: number, sentAt: number) =>
  `${run}.${phase}.${user}.${seq}.${Math.round(sentAt * 1000)}`;

function parseNonce(run: string, nonce: string | undefined) {
  if (!nonce?.startsWith(`${run}.`)) return undefined;
  const [, phase, user, seq, sentAt] = nonce.split('.');
  return { phase, key: `${user}.${seq}`, sentAt: Number(sentAt) / 1000 };
}

const bump = (counts: Record<string, number>, code: string) => {
  counts[code] = (counts[code] ?? 0) + 1;
};

/** Connects every user, joins its channel, runs the open-loop send schedule and measures. */
export async function runWorkload(
  target: string,
  users: WorkloadUser[],
  p: WorkloadParams,
  hooks: WorkloadHooks = {},
): Promise<WorkloadResult> {
  const log = hooks.log ?? (() => {});
  const run = Math.random().toString(36).slice(2, 8);
  const members = new Map<string, number>();
  for (const u of users) members.set(u.channelId, (members.get(u.channelId) ?? 0) + 1);
  const connections: Record<string, number> = {};
  for (const u of users) connections[u.url] = (connections[u.url] ?? 0) + 1;

  const sockets: LoadSocket[] = [];
  try {
    await mapLimit(users, 10, async (u, i) => {
      sockets[i] = await u.connect(p.ackTimeoutMs).catch((err: Error) => {
        throw new Error(`${u.username}: ${err.message}`);
      });
    });
    await mapLimit(users, 10, async (u, i) => {
      await sockets[i]!.join(u.channelId).catch((err: Error) => {
        throw new Error(`${u.username}: ${err.message}`);
      });
    });
    log(`${target}: ${users.length} sockets connected and joined ${members.size} channels`);

    // Measured messages: key `<user>.<seq>` → channel size (expected deliveries) and deliveries so far.
    const measured = new Map<string, { expected: number; received: number; acked: boolean }>();
    const ackLat: number[] = [];
    const deliveryLat: number[] = [];
    const errors: Record<string, number> = {};
    const warmupErrors: Record<string, number> = {};
    let deliveries = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    /** Per socket (each is in one channel): the highest message id it was given so far. */
    const newestSeen: string[] = [];
    let pendingAcks = 0;
    let disconnected = 0;

    const onCreated = (msg: Message, socket: number) => {
      const now = performance.now();
      const before = newestSeen[socket];
      if (before === undefined || msg.id > before) newestSeen[socket] = msg.id;
      const n = parseNonce(run, msg.nonce);
      if (!n || n.phase !== 'm') return;
      const m = measured.get(n.key);
      if (!m) return;
      m.received++;
      if (m.received > m.expected) duplicates++;
      if (before !== undefined && msg.id <= before) outOfOrder++;
      deliveries++;
      deliveryLat.push(now - n.sentAt);
    };
    sockets.forEach((s, i) => {
      s.onMessage((msg: Message) => onCreated(msg, i));
      s.onDisconnect((reason) => {
        disconnected++;
        log(`${target}: a socket disconnected (${reason})`);
      });
    });

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const lags: number[] = [];
    const t0 = performance.now() + 200;
    const measureStart = t0 + p.warmupMs;
    const measureEnd = measureStart + p.durationMs;
    let sent = 0;
    let acked = 0;

    const sendOne = (i: number, seq: number, phase: 'w' | 'm', rand: () => number) => {
      const u = users[i]!;
      const sentAt = performance.now();
      const nonce = nonceOf(run, phase, i, seq, sentAt);
      const key = `${i}.${seq}`;
      const bucket = phase === 'm' ? errors : warmupErrors;
      if (phase === 'm') {
        sent++;
        measured.set(key, { expected: members.get(u.channelId)!, received: 0, acked: false });
      }
      pendingAcks++;
      sockets[i]!.send({ channelId: u.channelId, content: contentOf(p.contentChars, rand), nonce }, (code) => {
        pendingAcks--;
        if (code) return bump(bucket, code);
        if (phase !== 'm') return;
        acked++;
        ackLat.push(performance.now() - sentAt);
        measured.get(key)!.acked = true;
      });
    };

    // Every user gets its own seeded stream: same schedule and content for every target.
    const userLoops = users.map(async (_u, i) => {
      const rand = seededRandom(p.seed * 7919 + i);
      const gap = () => p.minIntervalMs + rand() * (p.maxIntervalMs - p.minIntervalMs);
      let due = t0 + rand() * p.maxIntervalMs;
      for (let seq = 0; due < measureEnd; seq++) {
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const late = performance.now() - due;
        if (due >= measureStart) lags.push(late);
        sendOne(i, seq, due < measureStart ? 'w' : 'm', rand);
        due += gap();
      }
    });
    void sleep(Math.max(0, measureStart - performance.now())).then(() => hooks.onMeasureStart?.());
    await Promise.all(userLoops);
    const sendingDone = performance.now();
    hooks.onMeasureEnd?.();
    loop.disable();

    // Drain: outstanding acks and the deliveries of every acknowledged message.
    const outstanding = () => {
      let missing = 0;
      for (const m of measured.values()) if (m.acked && m.received < m.expected) missing += m.expected - m.received;
      return missing;
    };
    const drainDeadline = performance.now() + p.drainMs;
    while ((pendingAcks > 0 || outstanding() > 0) && performance.now() < drainDeadline) await sleep(50);
    log(`${target}: drained in ${(performance.now() - sendingDone).toFixed(0)} ms`);

    let expectedDeliveries = 0;
    for (const m of measured.values()) if (m.acked) expectedDeliveries += m.expected;
    if (pendingAcks > 0) errors.ACK_PENDING_AFTER_DRAIN = pendingAcks;
    if (disconnected > 0) errors.DISCONNECT = disconnected;
    const lagSummary = summarize(lags);
    return {
      target,
      users: users.length,
      channels: members.size,
      connections,
      sent,
      acked,
      sendToAck: summarize(ackLat),
      sendToDelivered: summarize(deliveryLat),
      deliveries,
      expectedDeliveries,
      missingDeliveries: outstanding(),
      duplicateDeliveries: duplicates,
      outOfOrderDeliveries: outOfOrder,
      deliveredPerSecond: deliveries / (p.durationMs / 1000),
      ackedPerSecond: acked / (p.durationMs / 1000),
      errors,
      warmupErrors,
      generatorLagMs: { p99: lagSummary.p99, max: lagSummary.max },
      eventLoopDelayP99Ms: loop.percentile(99) / 1e6,
      measuredMs: p.durationMs,
    };
  } finally {
    for (const s of sockets) s?.close();
  }
}
