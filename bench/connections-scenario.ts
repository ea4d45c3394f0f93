import { summarize, cpuTimeMs, sleep, type LatencySummary } from './stats.js';
import { probeMemory, startFleet, type FanResult, type PlannedSocket } from './connections-fleet.js';

/** One target of the connection bench: the server processes measured, and where each socket goes. */
export interface Target {
  name: string;
  /** The processes that hold the sockets (gateways, or the baseline process), measured for memory and CPU. */
  servers: Array<{ name: string; pid: number | undefined; url: string }>;
  /** Other processes whose CPU is shown (membership, Redis, RabbitMQ...). */
  others: Record<string, number | undefined>;
  /** The handshake of user `u`. */
  auth(u: number): Record<string, string>;
  channels: { big: string; busy: string[]; lobby: string };
}

export interface ScenarioParams {
  sockets: number;
  users: number;
  workers: number;
  concurrency: number;
  idleMs: number;
  busyMs: number;
  busyIntervalMs: number;
  busySenders: number;
  fanMessages: number;
  probeDir: string;
}

export interface ServerFigures {
  sockets: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  heapBeforeMiB: number;
  heapAfterMiB: number;
  /** (RSS after − before) / sockets, KiB. */
  rssPerSocketKiB: number;
  heapPerSocketKiB: number;
  /** Share of one core while every socket is connected and nothing is sent. */
  idleCpu: number;
  busyCpu: number;
  /** CPU ms this process spent per fan-out message, above its idle CPU over the same span. */
  fanCpuMsPerMessage: number;
}

export interface ScenarioResult {
  target: string;
  connected: number;
  failed: number;
  errors: string[];
  connectSeconds: number;
  servers: Record<string, ServerFigures>;
  /** CPU share of one core of the other processes and the load generator, idle window. */
  idleCpuOthers: Record<string, number | null>;
  busy: { acked: number; failed: number; latency: LatencySummary; deliveriesPerSecond: number; cpuOthers: Record<string, number | null> };
  fan: { messages: number; complete: number; delivered: number; ack: LatencySummary; first: LatencySummary; all: LatencySummary };
}

const MiB = 2 ** 20;

/**
 * Socket i belongs to user i % users; its k-th socket (k = i / users) goes to server (u + k) % servers,
 * so each user's sockets and each room span every server. k = 0: the big channel (one socket of every
 * user: a `users`-member room); k = 1 of the first `busySenders` users: the busy channels (round-robin,
 * each sender also a member); everything else: one quiet lobby channel (joined, never written to).
 */
export function planSockets(t: Target, p: ScenarioParams): PlannedSocket[] {
  return Array.from({ length: p.sockets }, (_v, i) => {
    const u = i % p.users;
    const k = Math.floor(i / p.users);
    const url = t.servers[(u + k) % t.servers.length]!.url;
    const base = { url, auth: t.auth(u) };
    if (k === 0) return { ...base, channelId: t.channels.big, big: true, role: i === 0 ? 'fan-sender' : 'member' };
    if (k === 1 && u < p.busySenders)
      return { ...base, channelId: t.channels.busy[u % t.channels.busy.length]!, big: false, role: 'busy-sender' };
    return { ...base, channelId: t.channels.lobby, big: false, role: 'member' };
  });
}

const cpuOf = (pids: Record<string, number | undefined>) => Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuTimeMs(pid)]));
const share = (before: Record<string, number | undefined>, after: Record<string, number | undefined>, ms: number) =>
  Object.fromEntries(
    Object.keys(before).map((n) => [n, before[n] === undefined || after[n] === undefined ? null : (after[n]! - before[n]!) / ms]),
  );

/** Connect → memory → idle window → busy channels → fan-out to the big channel → close. */
export async function runScenario(t: Target, p: ScenarioParams, log: (line: string) => void): Promise<ScenarioResult> {
  const serverPids = Object.fromEntries(t.servers.map((s) => [s.name, s.pid]));
  const fleet = await startFleet(p.workers);
  try {
    const generator = Object.fromEntries(fleet.pids.map((pid, w) => [`load generator ${w + 1}`, pid]));
    const before = await probeMemory(p.probeDir, serverPids);
    const plan = planSockets(t, p);
    log(
      `${t.name}: connecting ${p.sockets} sockets (${p.users} users) over ${t.servers.length} server process(es), ${p.workers} client processes`,
    );
    const c0 = performance.now();
    const conn = await fleet.connect(plan, p.concurrency, log);
    const connectSeconds = (performance.now() - c0) / 1000;
    log(
      `${t.name}: ${conn.ok} connected, ${conn.failed} failed in ${connectSeconds.toFixed(1)} s${conn.errors.length ? ` (${conn.errors.join('; ')})` : ''}`,
    );
    await sleep(3_000);
    const after = await probeMemory(p.probeDir, serverPids);

    log(`${t.name}: idle window ${p.idleMs / 1000} s (heartbeats only)`);
    const all = { ...serverPids, ...t.others, ...generator };
    const i0 = cpuOf(all);
    await sleep(p.idleMs);
    const idle = share(i0, cpuOf(all), p.idleMs);

    log(`${t.name}: busy channels for ${p.busyMs / 1000} s (${p.busySenders} senders, one send each per ${p.busyIntervalMs} ms)`);
    const b0 = cpuOf(all);
    const bt0 = performance.now();
    const busy = await fleet.busy((i) => plan[i]!.channelId, p.busyIntervalMs, p.busyMs);
    const busyShare = share(b0, cpuOf(all), performance.now() - bt0);

    log(`${t.name}: ${p.fanMessages} messages to the ${p.users}-member channel, one at a time`);
    const f0 = cpuOf(serverPids);
    const ft0 = performance.now();
    const fans: FanResult[] = [];
    for (let m = 0; m < p.fanMessages; m++) {
      fans.push(await fleet.fanOut(`fan:${t.name}:${m}`, t.channels.big, 10_000));
      await sleep(100);
    }
    const f1 = cpuOf(serverPids);
    const fanMs = performance.now() - ft0;

    const servers: Record<string, ServerFigures> = {};
    for (const s of t.servers) {
      const sockets = plan.filter((x) => x.url === s.url).length;
      const b = before[s.name];
      const a = after[s.name];
      servers[s.name] = {
        sockets,
        rssBeforeMiB: (b?.rss ?? NaN) / MiB,
        rssAfterMiB: (a?.rss ?? NaN) / MiB,
        heapBeforeMiB: (b?.heapUsed ?? NaN) / MiB,
        heapAfterMiB: (a?.heapUsed ?? NaN) / MiB,
        rssPerSocketKiB: ((a?.rss ?? NaN) - (b?.rss ?? NaN)) / 1024 / sockets,
        heapPerSocketKiB: ((a?.heapUsed ?? NaN) - (b?.heapUsed ?? NaN)) / 1024 / sockets,
        idleCpu: idle[s.name] ?? NaN,
        busyCpu: busyShare[s.name] ?? NaN,
        // Net of what the process spends anyway (heartbeats): its idle share over the same span.
        fanCpuMsPerMessage: ((f1[s.name] ?? NaN) - (f0[s.name] ?? NaN) - (idle[s.name] ?? 0) * fanMs) / p.fanMessages,
      };
    }
    const pick = (o: Record<string, number | null>) => Object.fromEntries(Object.entries(o).filter(([n]) => !(n in serverPids)));
    return {
      target: t.name,
      connected: conn.ok,
      failed: conn.failed,
      errors: conn.errors,
      connectSeconds,
      servers,
      idleCpuOthers: pick(idle),
      busy: {
        acked: busy.acked,
        failed: busy.failed,
        latency: summarize(busy.latencies),
        deliveriesPerSecond: busy.latencies.length / (p.busyMs / 1000),
        cpuOthers: pick(busyShare),
      },
      fan: {
        messages: fans.length,
        complete: fans.filter((f) => f.ok).length,
        delivered: fans.reduce((a, f) => a + f.delivered, 0),
        ack: summarize(fans.map((f) => f.ackMs)),
        first: summarize(fans.map((f) => f.firstMs)),
        all: summarize(fans.map((f) => f.allMs)),
      },
    };
  } finally {
    log(`${t.name}: closing the sockets`);
    await fleet.close();
  }
}
