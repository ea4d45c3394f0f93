import { cpuMeter, type LatencySummary } from './stats.js';
import { runWorkload, type WorkloadParams, type WorkloadResult, type WorkloadUser } from './workload.js';

/** One pass of the default workload through one kind of socket (bench/sockets.ts). */
export interface OverheadPass {
  socket: 'raw socket.io-client' | '@chorus/client ChorusSocket';
  sendToAck: LatencySummary;
  sendToDelivered: LatencySummary;
  deliveries: number;
  errors: Record<string, number>;
  /** Busy share of one core of the benchmark process (the load generator) over the measured window. */
  generatorCpu: number | null;
  eventLoopDelayP99Ms: number;
}

export interface ClientOverhead {
  raw: OverheadPass;
  client: OverheadPass;
}

async function pass(socket: OverheadPass['socket'], users: WorkloadUser[], params: WorkloadParams, log: (line: string) => void) {
  let meter: ReturnType<typeof cpuMeter> | undefined;
  let cpu: Record<string, number | null> = {};
  const r: WorkloadResult = await runWorkload(`chorus via ${socket}`, users, params, {
    log,
    onMeasureStart: () => (meter = cpuMeter({ bench: process.pid })),
    onMeasureEnd: () => (cpu = meter?.stop() ?? {}),
  });
  return {
    socket,
    sendToAck: r.sendToAck,
    sendToDelivered: r.sendToDelivered,
    deliveries: r.deliveries,
    errors: r.errors,
    generatorCpu: cpu.bench ?? null,
    eventLoopDelayP99Ms: r.eventLoopDelayP99Ms,
  };
}

/**
 * `--client-overhead`: the same workload against the same running system, back to back, once through
 * a raw socket.io-client connection (what the rest of the benchmark uses) and once through
 * `@chorus/client`'s ChorusSocket (contract parsing of every ack and delivery, dedupe by id), so the
 * wrapper's cost on the load generator and on the figures is a ratio from one run.
 */
export async function measureClientOverhead(
  raw: WorkloadUser[],
  client: WorkloadUser[],
  params: WorkloadParams,
  log: (line: string) => void,
): Promise<ClientOverhead> {
  return {
    raw: await pass('raw socket.io-client', raw, params, log),
    client: await pass('@chorus/client ChorusSocket', client, params, log),
  };
}

const f = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));
const x = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? '—' : `${(a / b).toFixed(2)}×`);

export function formatClientOverhead(o: ClientOverhead): string[] {
  const rows: Array<[string, (p: OverheadPass) => number | null]> = [
    ['send → ack p50 (ms)', (p) => p.sendToAck.p50],
    ['send → ack p99 (ms)', (p) => p.sendToAck.p99],
    ['send → delivered p50 (ms)', (p) => p.sendToDelivered.p50],
    ['send → delivered p99 (ms)', (p) => p.sendToDelivered.p99],
    ['generator CPU (share of a core)', (p) => p.generatorCpu],
    ['generator event-loop delay p99 (ms)', (p) => p.eventLoopDelayP99Ms],
  ];
  return [
    '### Client overhead (`--client-overhead`): the default workload against Chorus, raw socket vs ChorusSocket',
    '',
    '| metric | raw socket.io-client | ChorusSocket | ratio |',
    '|:--|--:|--:|--:|',
    ...rows.map(([label, get]) => `| ${label} | ${f(get(o.raw))} | ${f(get(o.client))} | ${x(get(o.client), get(o.raw))} |`),
    `| deliveries / errors | ${o.raw.deliveries} / ${JSON.stringify(o.raw.errors)} | ${o.client.deliveries} / ${JSON.stringify(o.client.errors)} | |`,
    '',
  ];
}
