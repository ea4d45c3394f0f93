import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../scripts/local/processes.js';
import type { FromWorker, ToWorker, WorkerSocket } from './connections-protocol.js';
import { sleep } from './stats.js';

/** A socket of the scenario, before it is given to a worker. */
export interface PlannedSocket extends Omit<WorkerSocket, 'index'> {
  /** The one that sends the fan-out messages; the busy channels' senders. */
  role: 'fan-sender' | 'busy-sender' | 'member';
}

/** The load-generator processes and which one holds which socket. */
export interface Fleet {
  pids: number[];
  /** Connects every planned socket (spread round-robin over the workers); resolves with the failures. */
  connect(
    plan: PlannedSocket[],
    concurrency: number,
    log: (line: string) => void,
  ): Promise<{ ok: number; failed: number; errors: string[] }>;
  /** Sends one fan-out message from the fan sender and waits until every big-channel socket has it (or `timeoutMs`). */
  fanOut(nonce: string, channelId: string, timeoutMs: number): Promise<FanResult>;
  /** The busy channels' senders send every `intervalMs` for `durationMs`; resolves with the receivers' latencies. */
  busy(
    channelOf: (i: number) => string,
    intervalMs: number,
    durationMs: number,
  ): Promise<{ acked: number; failed: number; latencies: number[] }>;
  close(): Promise<void>;
}

export interface FanResult {
  ok: boolean;
  ackMs: number;
  firstMs: number;
  allMs: number;
  delivered: number;
}

const WORKER = join(REPO_ROOT, 'bench', 'connections-worker.ts');

/** Forks `count` load-generator processes (each its own event loop and file descriptors). */
export async function startFleet(count: number): Promise<Fleet> {
  const workers: ChildProcess[] = [];
  const listeners = new Set<(w: number, msg: FromWorker) => void>();
  for (let w = 0; w < count; w++) {
    const child = fork(WORKER, [], {
      execArgv: ['--conditions=@chorus/source', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (msg: FromWorker) => listeners.forEach((l) => l(w, msg)));
    workers.push(child);
  }
  const next = <T extends FromWorker['type']>(
    w: number,
    type: T,
    match: (m: Extract<FromWorker, { type: T }>) => boolean = () => true,
    timeoutMs = 600_000,
  ) =>
    new Promise<Extract<FromWorker, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`worker ${w}: no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (from: number, msg: FromWorker) => {
        if (from !== w || msg.type !== type || !match(msg as Extract<FromWorker, { type: T }>)) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(msg as Extract<FromWorker, { type: T }>);
      };
      listeners.add(listener);
    });
  const post = (w: number, msg: ToWorker) => workers[w]!.send(msg);
  await Promise.all(workers.map((_c, w) => next(w, 'ready', () => true, 60_000)));

  let fanSender: { w: number; index: number } | undefined;
  const busySenders: Array<Array<{ index: number; global: number }>> = workers.map(() => []);

  return {
    pids: workers.map((c) => c.pid!),
    async connect(plan, concurrency, log) {
      const perWorker: WorkerSocket[][] = workers.map(() => []);
      plan.forEach((p, i) => {
        const w = i % count;
        const index = perWorker[w]!.length;
        perWorker[w]!.push({ index, url: p.url, auth: p.auth, channelId: p.channelId, big: p.big });
        if (p.role === 'fan-sender') fanSender = { w, index };
        if (p.role === 'busy-sender') busySenders[w]!.push({ index, global: i });
      });
      let done = 0;
      const progress = (_w: number, msg: FromWorker) => {
        if (msg.type === 'progress' && (done += 500) % 2_000 === 0) log(`  ${done} sockets connected`);
      };
      listeners.add(progress);
      const results = await Promise.all(
        workers.map((_c, w) => {
          const connected = next(w, 'connected');
          post(w, { type: 'connect', sockets: perWorker[w]!, concurrency });
          return connected;
        }),
      );
      listeners.delete(progress);
      return {
        ok: results.reduce((a, r) => a + r.ok, 0),
        failed: results.reduce((a, r) => a + r.failed, 0),
        errors: [...new Set(results.flatMap((r) => r.errors))].slice(0, 5),
      };
    },
    async fanOut(nonce, channelId, timeoutMs) {
      if (!fanSender) throw new Error('no fan-out sender planned');
      const ack = next(fanSender.w, 'fan-ack', (m) => m.nonce === nonce, timeoutMs + 10_000);
      const arrivals = workers.map((_c, w) => next(w, 'fan', (m) => m.nonce === nonce, timeoutMs).catch(() => undefined));
      post(fanSender.w, { type: 'fan-send', index: fanSender.index, channelId, nonce });
      let got = await Promise.all(arrivals);
      const complete = got.every(Boolean);
      if (!complete) {
        // Some worker's sockets did not all get it in time: ask every worker what it has.
        got = await Promise.all(
          workers.map((_c, w) => {
            const count = next(w, 'fan', (m) => m.nonce === nonce, 10_000);
            post(w, { type: 'fan-count', nonce });
            return count;
          }),
        );
      }
      const a = await ack;
      const firsts = got.filter((g) => g && g.count > 0).map((g) => g!.first);
      const lasts = got.filter((g) => g && g.count > 0).map((g) => g!.last);
      return {
        ok: a.ok && complete,
        ackMs: a.ackAt - a.sentAt,
        firstMs: Math.min(...firsts) - a.sentAt,
        allMs: Math.max(...lasts) - a.sentAt,
        delivered: got.reduce((s, g) => s + (g?.count ?? 0), 0),
      };
    },
    async busy(channelOf, intervalMs, durationMs) {
      const done = workers.map((_c, w) => next(w, 'busy-done', () => true, durationMs + 30_000));
      workers.forEach((_c, w) => {
        const senders = busySenders[w]!.map((s) => ({ index: s.index, channelId: channelOf(s.global) }));
        post(w, { type: 'busy', senders, intervalMs, durationMs });
      });
      const counts = await Promise.all(done);
      const reports = await Promise.all(
        workers.map((_c, w) => {
          const report = next(w, 'busy-report');
          post(w, { type: 'busy-report' });
          return report;
        }),
      );
      return {
        acked: counts.reduce((a, c) => a + c.acked, 0),
        failed: counts.reduce((a, c) => a + c.failed, 0),
        latencies: reports.flatMap((r) => r.latencies),
      };
    },
    async close() {
      for (const [w, c] of workers.entries()) if (c.connected) post(w, { type: 'close' });
      await Promise.all(workers.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    },
  };
}

/** Full GC then `process.memoryUsage()` of each process (bench/memory-probe.mjs, SIGUSR2). */
export async function probeMemory(
  dir: string,
  pids: Record<string, number | undefined>,
): Promise<Record<string, NodeJS.MemoryUsage | undefined>> {
  const read = (pid: number) => {
    try {
      return JSON.parse(readFileSync(join(dir, `${pid}.json`), 'utf8')) as NodeJS.MemoryUsage & { seq: number };
    } catch {
      return undefined;
    }
  };
  const out: Record<string, NodeJS.MemoryUsage | undefined> = {};
  await Promise.all(
    Object.entries(pids).map(async ([name, pid]) => {
      if (pid === undefined) return;
      const before = read(pid)?.seq ?? 0;
      process.kill(pid, 'SIGUSR2');
      for (let waited = 0; waited < 10_000; waited += 50) {
        const now = read(pid);
        if (now && now.seq > before) return void (out[name] = now);
        await sleep(50);
      }
    }),
  );
  return out;
}
