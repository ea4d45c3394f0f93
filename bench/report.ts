import os from 'node:os';
import { formatClientOverhead, type ClientOverhead } from './client-overhead.js';
import type { BrokerFloorResult } from './broker-floor.js';
import type { EngagementBenchResult } from './engagement.js';
import type { HistoryBenchResult } from './history.js';
import type { SteppedRun } from './steps.js';
import type { WorkloadParams, WorkloadResult } from './workload.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverageAtStart: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

export interface BenchReport {
  startedAt: string;
  totalSeconds: number;
  machine: MachineInfo;
  params: WorkloadParams & {
    users: number;
    channels: number;
    gateways: number;
    historyMessages: number;
    historyRequests: number;
    historyBudgetMs: number;
  };
  chorus?: WorkloadResult;
  baseline?: WorkloadResult;
  history?: HistoryBenchResult;
  engagement?: EngagementBenchResult;
  /** The stepped scenarios (capacity, hot channel), each for both targets. */
  stepped?: SteppedRun[];
  cpu?: { chorus?: Record<string, number | null>; baseline?: Record<string, number | null> };
  /** `--client-overhead`: the default workload through a raw socket and through ChorusSocket. */
  clientOverhead?: ClientOverhead;
  /** RabbitMQ's publisher confirm alone at the default rate: what every Chorus ack waits for. */
  brokerFloor?: BrokerFloorResult;
  failure?: string;
}

const ms = (v: number | undefined) =>
  v === undefined || Number.isNaN(v) ? '—' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
const num = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(0));
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) || b === 0 ? '—' : `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×`;
const errs = (e: Record<string, number> | undefined) =>
  !e || Object.keys(e).length === 0
    ? '0'
    : Object.entries(e)
        .map(([k, v]) => `${k}:${v}`)
        .join(' ');
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${Math.round(v * 100)}%`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

/** The printed report: Markdown tables, so the README can take them as they are. */
export function formatReport(r: BenchReport): string {
  const m = r.machine;
  const p = r.params;
  const c = r.chorus;
  const b = r.baseline;
  const out: string[] = [];
  out.push(`## Chorus benchmark — ${r.startedAt} (${r.totalSeconds.toFixed(0)} s)`);
  out.push('');
  out.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}; load average at start ${m.loadAverageAtStart}`,
  );
  if (m.loadAverageAtStart > m.cores / 2)
    out.push(`WARNING: the machine was busy when the run started (load ${m.loadAverageAtStart} on ${m.cores} cores): figures are skewed.`);
  out.push(
    `Workload: ${p.users} users in ${p.channels} channels (${p.users / p.channels} per channel), ${p.gateways} gateways ` +
      `(users alternate), each user sends every ${p.minIntervalMs}–${p.maxIntervalMs} ms (open loop, seeded), ` +
      `${p.contentChars}-char messages; ${p.warmupMs / 1000} s warm-up, ${p.durationMs / 1000} s measured, ack timeout ${p.ackTimeoutMs / 1000} s.`,
  );
  out.push('Baseline: one plain Socket.IO process, same events and workload, no auth/persistence/broker/Redis.');
  out.push('');
  const row = (label: string, f: (w: WorkloadResult) => number | undefined, fmt = ms) => [
    label,
    c ? fmt(f(c)) : '—',
    b ? fmt(f(b)) : '—',
    ratio(c && f(c), b && f(b)),
  ];
  out.push(
    table(
      ['metric', 'Chorus', 'baseline', 'Chorus / baseline'],
      [
        row('send → ack p50 (ms)', (w) => w.sendToAck.p50),
        row('send → ack p95 (ms)', (w) => w.sendToAck.p95),
        row('send → ack p99 (ms)', (w) => w.sendToAck.p99),
        row('send → delivered p50 (ms)', (w) => w.sendToDelivered.p50),
        row('send → delivered p95 (ms)', (w) => w.sendToDelivered.p95),
        row('send → delivered p99 (ms)', (w) => w.sendToDelivered.p99),
        row('sends acked / s', (w) => w.ackedPerSecond, num),
        row('messages delivered / s', (w) => w.deliveredPerSecond, num),
        ['sends (measured) / acked', c ? `${c.sent} / ${c.acked}` : '—', b ? `${b.sent} / ${b.acked}` : '—', ''],
        [
          'deliveries / expected',
          c ? `${c.deliveries} / ${c.expectedDeliveries}` : '—',
          b ? `${b.deliveries} / ${b.expectedDeliveries}` : '—',
          '',
        ],
        [
          'missing / duplicate deliveries',
          c ? `${c.missingDeliveries} / ${c.duplicateDeliveries}` : '—',
          b ? `${b.missingDeliveries} / ${b.duplicateDeliveries}` : '—',
          '',
        ],
        [
          'out-of-order deliveries (id below one already seen)',
          c ? String(c.outOfOrderDeliveries) : '—',
          b ? String(b.outOfOrderDeliveries) : '—',
          '',
        ],
        ['errors (measured window)', c ? errs(c.errors) : '—', b ? errs(b.errors) : '—', ''],
        ['errors (warm-up)', c ? errs(c.warmupErrors) : '—', b ? errs(b.warmupErrors) : '—', ''],
        ['generator event-loop delay p99 (ms)', c ? ms(c.eventLoopDelayP99Ms) : '—', b ? ms(b.eventLoopDelayP99Ms) : '—', ''],
        [
          'generator lag p99 / max (ms)',
          c ? `${ms(c.generatorLagMs.p99)} / ${ms(c.generatorLagMs.max)}` : '—',
          b ? `${ms(b.generatorLagMs.p99)} / ${ms(b.generatorLagMs.max)}` : '—',
          '',
        ],
      ],
    ),
  );
  const cpuLine = (label: string, cpu: Record<string, number | null> | undefined) =>
    cpu
      ? `- ${label}: ${Object.entries(cpu)
          .map(([k, v]) => `${k} ${pct(v)}`)
          .join(', ')}`
      : undefined;
  const cpuLines = [cpuLine('Chorus run', r.cpu?.chorus), cpuLine('baseline run', r.cpu?.baseline)].filter((l) => l !== undefined);
  if (cpuLines.length > 0) {
    out.push('');
    out.push('CPU during the measured window (share of one core; "shared" servers also serve anything else running on the machine):');
    out.push(...cpuLines);
  }
  if (r.clientOverhead) out.push('', ...formatClientOverhead(r.clientOverhead));
  const f = r.brokerFloor;
  if (f) {
    out.push('');
    out.push(
      `Broker floor: RabbitMQ's publisher confirm alone (persistent ${f.bytes} B messages to a durable queue, a consumer acking, ` +
        `${num(f.rate)}/s, same run): p50 / p95 / p99 ${ms(f.confirm.p50)} / ${ms(f.confirm.p95)} / ${ms(f.confirm.p99)} ms. ` +
        'Chorus acks a send only after this confirm (SPEC 5), so its send → ack cannot go below it.',
    );
  }
  out.push(...formatStepped(r.stepped ?? []));
  const h = r.history;
  if (h) {
    out.push('');
    out.push(
      `History: one channel with ${h.messages.toLocaleString('en-US')} messages (written straight into history's database in ` +
        `${(h.seedMs / 1000).toFixed(1)} s, ${num(h.seedPerSecond)}/s); sequential GETs (limit 50) straight to the history service, ` +
        `per query ${h.warmupPerQuery} warm-up then up to ${h.maxRequestsPerQuery} requests or ${h.budgetMsPerQuery / 1000} s.`,
    );
    out.push('');
    out.push(
      table(
        ['history query', 'n', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'mean (ms)', 'errors'],
        h.queries.map((q) => [
          q.query,
          String(q.latency.count),
          ms(q.latency.p50),
          ms(q.latency.p95),
          ms(q.latency.p99),
          ms(q.latency.mean),
          errs(q.errors),
        ]),
      ),
    );
  }
  if (r.engagement) out.push(...formatEngagement(r.engagement));
  if (r.failure) {
    out.push('');
    out.push(`RUN FAILED: ${r.failure}`);
  }
  return out.join('\n');
}

/** The reactions / read-state table (engagement.ts). */
function formatEngagement(e: EngagementBenchResult): string[] {
  const out: string[] = [];
  out.push('');
  out.push(
    `Reactions and read state: channels of ${e.messagesPerChannel.toLocaleString('en-US')} messages, a server of ${e.serverChannels} ` +
      `channels all unread (counts capped at 100); ${e.collectionSize.toLocaleString('en-US')} messages in history's collection; ` +
      `sequential GETs straight to history, 2 warm-up then up to 200 requests or ${e.budgetMsPerQuery / 1000} s.`,
  );
  out.push('');
  out.push(
    table(
      ['engagement query', 'n', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'mean (ms)', 'errors'],
      e.queries.map((q) => [
        q.query,
        String(q.latency.count),
        ms(q.latency.p50),
        ms(q.latency.p95),
        ms(q.latency.p99),
        ms(q.latency.mean),
        errs(q.errors),
      ]),
    ),
  );
  return out;
}

const SHORT: Record<string, string> = {
  bench: 'gen',
  baseline: 'base',
  'gateway-1': 'gw1',
  'gateway-2': 'gw2',
  membership: 'mem',
  history: 'hist',
  mongodb: 'mongo',
  'redis (shared)': 'redis',
  'rabbitmq (shared)': 'rmq',
};
/** `gen 80 gw1 45 …`: every measured process with a share of at least 1%. */
const cpuCell = (cpu: Record<string, number | null> | undefined) =>
  Object.entries(cpu ?? {})
    .filter(([, v]) => v !== null && v >= 0.01)
    .map(([k, v]) => `${SHORT[k] ?? k} ${Math.round(v! * 100)}`)
    .join(' ');

/** One table per stepped scenario (both targets side by side), then the capacity of each and the ratio. */
function formatStepped(runs: SteppedRun[]): string[] {
  const out: string[] = [];
  const names = [...new Set(runs.map((r) => r.scenario))];
  for (const name of names) {
    const chorus = runs.find((r) => r.scenario === name && r.target === 'chorus');
    const baseline = runs.find((r) => r.scenario === name && r.target === 'baseline');
    const first = (chorus ?? baseline)?.steps[0]?.result;
    out.push('');
    out.push(
      `### ${name}: ${first ? `${first.users} users in ${first.channels} channel${first.channels === 1 ? '' : 's'}` : ''}, ` +
        'offered load stepped up (open loop); a step passes with every message delivered once, in order, at send → delivered p99 < 50 ms; ' +
        'a target stops at its first failing step',
    );
    out.push('');
    const rows: string[][] = [];
    for (const run of [baseline, chorus]) {
      for (const st of run?.steps ?? []) {
        const w = st.result;
        rows.push([
          `${num(st.offered)}/s`,
          run!.target,
          num(w.ackedPerSecond),
          num(w.deliveredPerSecond),
          `${ms(w.sendToAck.p50)} / ${ms(w.sendToAck.p99)}`,
          `${ms(w.sendToDelivered.p50)} / ${ms(w.sendToDelivered.p99)}`,
          `${w.missingDeliveries} / ${w.duplicateDeliveries} / ${w.outOfOrderDeliveries}`,
          errs(w.errors),
          ms(w.generatorLagMs.p99),
          cpuCell(st.cpu),
          st.pass ? 'pass' : `FAIL: ${st.reasons.join(', ')}`,
        ]);
      }
    }
    out.push(
      table(
        [
          'offered',
          'target',
          'acked/s',
          'delivered/s',
          'ack p50 / p99 (ms)',
          'delivered p50 / p99 (ms)',
          'missing / dup / out-of-order',
          'errors',
          'gen lag p99 (ms)',
          'CPU % of a core',
          'result',
        ],
        rows,
      ),
    );
    out.push('');
    out.push(
      `${name} — highest passing step: Chorus ${chorus ? `${num(chorus.capacity)}/s` : '—'}, baseline ${
        baseline ? `${num(baseline.capacity)}/s` : '—'
      }, Chorus / baseline ${ratio(chorus?.capacity, baseline?.capacity)}` +
        (baseline && baseline.steps.every((st) => st.pass) ? ' (the baseline passed every step: its capacity is at least that)' : ''),
    );
  }
  return out;
}
