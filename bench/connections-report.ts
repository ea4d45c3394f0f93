import type { MachineInfo } from './report.js';
import type { ScenarioParams, ScenarioResult } from './connections-scenario.js';

export interface ConnectionsReport {
  startedAt: string;
  totalSeconds: number;
  machine: MachineInfo;
  params: Omit<ScenarioParams, 'probeDir'>;
  baseline?: ScenarioResult;
  chorus?: ScenarioResult;
  failure?: string;
}

const f = (v: number | null | undefined, digits = 1) => (v === undefined || v === null || Number.isNaN(v) ? '—' : v.toFixed(digits));
const pct = (v: number | null | undefined) => (v === undefined || v === null || Number.isNaN(v) ? '—' : `${(v * 100).toFixed(1)} %`);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? '—' : `${(a / b).toFixed(2)}×`;

/** Totals over a target's server processes (sockets, memory deltas, CPU). */
function totals(r: ScenarioResult | undefined) {
  if (!r) return undefined;
  const s = Object.values(r.servers);
  const sum = (pick: (x: (typeof s)[number]) => number) => s.reduce((a, x) => a + pick(x), 0);
  const sockets = sum((x) => x.sockets);
  return {
    sockets,
    rssPerSocketKiB: (sum((x) => x.rssAfterMiB - x.rssBeforeMiB) * 1024) / sockets,
    heapPerSocketKiB: (sum((x) => x.heapAfterMiB - x.heapBeforeMiB) * 1024) / sockets,
    idleCpu: sum((x) => x.idleCpu),
    busyCpu: sum((x) => x.busyCpu),
    fanCpuMs: sum((x) => x.fanCpuMsPerMessage),
  };
}

function perProcess(r: ScenarioResult): string[] {
  const rows = Object.entries(r.servers).map(
    ([name, s]) =>
      `| ${r.target} ${name} | ${s.sockets} | ${f(s.rssBeforeMiB, 0)} → ${f(s.rssAfterMiB, 0)} | ${f(s.heapBeforeMiB, 0)} → ${f(s.heapAfterMiB, 0)} | ${f(s.rssPerSocketKiB)} | ${f(s.heapPerSocketKiB)} | ${pct(s.idleCpu)} | ${pct(s.busyCpu)} | ${f(s.fanCpuMsPerMessage)} |`,
  );
  return rows;
}

export function formatConnectionsReport(r: ConnectionsReport): string {
  const m = r.machine;
  const p = r.params;
  const b = totals(r.baseline);
  const c = totals(r.chorus);
  const out = [
    `## Connection scale — ${r.startedAt}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadAverageAtStart}.`,
    `Everything on this box: the servers, Redis, RabbitMQ, MongoDB and ${p.workers} load-generator processes share the cores.`,
    `${p.sockets} sockets per target (${p.users} users × ${p.sockets / p.users} sockets); idle window ${p.idleMs / 1000} s; busy: ${p.busySenders} senders every ${p.busyIntervalMs} ms for ${p.busyMs / 1000} s; ${p.fanMessages} fan-out messages to a ${p.users}-member channel.`,
    '',
    `| | sockets connected (failed) | connect time | memory / socket (RSS) | memory / socket (heap) | idle CPU (all server processes) | busy CPU | CPU per message to ${p.users} sockets (above idle) | send → all ${p.users} delivered p50 / max | send → ack p50 |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [res, t] of [
    [r.baseline, b],
    [r.chorus, c],
  ] as const) {
    if (!res || !t) continue;
    out.push(
      `| ${res.target} | ${res.connected} (${res.failed}) | ${f(res.connectSeconds)} s | ${f(t.rssPerSocketKiB)} KiB | ${f(t.heapPerSocketKiB)} KiB | ${pct(t.idleCpu)} | ${pct(t.busyCpu)} | ${f(t.fanCpuMs)} ms | ${f(res.fan.all.p50)} / ${f(res.fan.all.max)} ms | ${f(res.fan.ack.p50)} ms |`,
    );
  }
  if (b && c)
    out.push(
      `| Chorus / baseline | | | ${ratio(c.rssPerSocketKiB, b.rssPerSocketKiB)} | ${ratio(c.heapPerSocketKiB, b.heapPerSocketKiB)} | ${ratio(c.idleCpu, b.idleCpu)} | ${ratio(c.busyCpu, b.busyCpu)} | ${ratio(c.fanCpuMs, b.fanCpuMs)} | ${ratio(r.chorus?.fan.all.p50, r.baseline?.fan.all.p50)} | ${ratio(r.chorus?.fan.ack.p50, r.baseline?.fan.ack.p50)} |`,
    );
  out.push(
    '',
    'Per server process (memory after a full GC, before connecting → with every socket connected):',
    '',
    '| process | sockets | RSS MiB | heap MiB | RSS KiB / socket | heap KiB / socket | idle CPU | busy CPU | CPU ms per fan-out message (above idle) |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const res of [r.baseline, r.chorus]) if (res) out.push(...perProcess(res));
  out.push(
    '',
    '| | fan-out complete | deliveries | send → first p50 | send → all p50 / p99 | busy sends acked (failed) | busy deliveries/s | busy send → delivered p50 / p99 |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const res of [r.baseline, r.chorus]) {
    if (!res) continue;
    out.push(
      `| ${res.target} | ${res.fan.complete}/${res.fan.messages} | ${res.fan.delivered} | ${f(res.fan.first.p50)} ms | ${f(res.fan.all.p50)} / ${f(res.fan.all.p99)} ms | ${res.busy.acked} (${res.busy.failed}) | ${f(res.busy.deliveriesPerSecond, 0)} | ${f(res.busy.latency.p50)} / ${f(res.busy.latency.p99)} ms |`,
    );
  }
  out.push('', 'Other processes, share of one core (idle window / busy window):', '');
  for (const res of [r.baseline, r.chorus]) {
    if (!res) continue;
    const names = Object.keys(res.idleCpuOthers);
    out.push(`- ${res.target}: ${names.map((n) => `${n} ${pct(res.idleCpuOthers[n])} / ${pct(res.busy.cpuOthers[n])}`).join(', ')}`);
  }
  if (r.failure) out.push('', `**Run failed:** ${r.failure}`);
  out.push('', `Total ${r.totalSeconds.toFixed(0)} s.`);
  return out.join('\n');
}
