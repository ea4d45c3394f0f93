// `npm run bench:connections`: 10,000 connected sockets over the two gateways (most idle, a few channels
// busy) beside the plain single-process Socket.IO baseline, in the same run: memory per socket, CPU
// while idle (heartbeats), and one message to a 1,000-member channel. See bench/README.md.
// Options: --sockets 10000 --users 1000 --workers 4 --concurrency 25 --idle 25 --busy 10 --fan 20
//          --only baseline|chorus
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../scripts/local/processes.js';
import { startSystem, type RunningSystem } from '../scripts/local/system.js';
import { startBaseline } from './baseline.js';
import { BENCH_ENV, createCommunity, planChorus } from './chorus.js';
import { dropRunData } from './cleanup.js';
import { formatConnectionsReport, type ConnectionsReport } from './connections-report.js';
import { runScenario, type ScenarioParams, type Target } from './connections-scenario.js';
import { pidListeningOn, portOf } from './procs.js';
import { machineInfo } from './report.js';

const HARD_LIMIT_MS = 300_000;
const { values: args } = parseArgs({
  options: {
    sockets: { type: 'string', default: '10000' },
    users: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '25' },
    idle: { type: 'string', default: '25' },
    busy: { type: 'string', default: '10' },
    fan: { type: 'string', default: '20' },
    only: { type: 'string' },
  },
});
const int = (name: keyof typeof args, min: number, max: number): number => {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name} must be a whole number in [${min}, ${max}]`);
  return v;
};
const only = args.only;
if (only !== undefined && only !== 'baseline' && only !== 'chorus') throw new Error('--only must be baseline or chorus');
const users = int('users', 10, 5_000);
const params: ScenarioParams = {
  sockets: int('sockets', users * 2, 50_000),
  users,
  workers: int('workers', 1, 16),
  concurrency: int('concurrency', 1, 500),
  idleMs: int('idle', 1, 120) * 1000,
  busyMs: int('busy', 1, 120) * 1000,
  busyIntervalMs: 500,
  busySenders: 40,
  fanMessages: int('fan', 1, 200),
  probeDir: mkdtempSync(join(tmpdir(), 'chorus-memprobe-')),
};

const deps = { mongoUri: process.env.MONGODB_URI, redisUrl: process.env.REDIS_URL, amqpUrl: process.env.AMQP_URL };
if (!deps.mongoUri || !deps.redisUrl || !deps.amqpUrl) {
  process.stderr.write('MONGODB_URI, REDIS_URL and AMQP_URL must be set: run it as `npm run bench:connections`.\n');
  process.exit(2);
}
const env = { mongoUri: deps.mongoUri, redisUrl: deps.redisUrl, amqpUrl: deps.amqpUrl };
const started = Date.now();
const log = (line: string) => process.stderr.write(`[connections +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const { probeDir, ...shownParams } = params;
const report: ConnectionsReport = {
  startedAt: new Date(started).toISOString(),
  totalSeconds: 0,
  machine: machineInfo(),
  params: shownParams,
};
/** Every measured server process gets the memory probe (full GC + memoryUsage on SIGUSR2). */
const probeEnv = { NODE_OPTIONS: `--import=${new URL('./memory-probe.mjs', import.meta.url).href}`, CHORUS_MEMORY_PROBE_DIR: probeDir };

const cleanups: Array<() => Promise<void>> = [];
let finishing: Promise<never> | undefined;
const finish = (code: number): Promise<never> =>
  (finishing ??= (async () => {
    log('stopping everything');
    for (const c of cleanups.reverse()) await c().catch((err: Error) => log(`cleanup failed: ${err.message}`));
    report.totalSeconds = (Date.now() - started) / 1000;
    process.stdout.write(`\n${formatConnectionsReport(report)}\n`);
    mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(REPO_ROOT, 'bench', 'results', 'connections-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    log(`results written to bench/results/connections-latest.json${code ? ' (run FAILED)' : ''}`);
    process.exit(code);
  })());
const abort = (why: string, code: number) => {
  log(why);
  report.failure ??= why;
  void finish(code);
};
process.once('SIGINT', () => abort('SIGINT', 130));
process.once('SIGTERM', () => abort('SIGTERM', 143));
setTimeout(() => abort(`exceeded ${HARD_LIMIT_MS / 1000} s`, 1), HARD_LIMIT_MS).unref();

const hex24 = (prefix: string, n: number) => prefix + n.toString(16).padStart(24 - prefix.length, '0');
const local = (url: string, fallback: number) =>
  /^(127\.0\.0\.1|localhost|\[::1\])$/.test(new URL(url).hostname) ? pidListeningOn(portOf(url, fallback)) : undefined;

async function benchBaseline(): Promise<void> {
  log('baseline: starting the plain Socket.IO server');
  const baseline = await startBaseline(30_000, probeEnv);
  cleanups.push(baseline.stop);
  const target: Target = {
    name: 'baseline',
    servers: [{ name: 'baseline', pid: baseline.pid, url: baseline.url }],
    others: {},
    auth: (u) => ({ userId: hex24('a', u + 1), username: `baseline_${u}` }),
    channels: { big: hex24('c', 1), busy: [2, 3, 4, 5].map((n) => hex24('c', n)), lobby: hex24('c', 6) },
  };
  report.baseline = await runScenario(target, params, log);
  await baseline.stop();
}

async function benchChorus(): Promise<void> {
  const plan = await planChorus(env);
  cleanups.push(() => dropRunData({ ...env, mongoUri: plan.mongoUri, redisPrefix: plan.redisPrefix, amqpPrefix: plan.amqpPrefix }));
  log(`chorus: starting membership, history, two gateways (logs in ${plan.logDir})`);
  const system: RunningSystem = await startSystem({
    mongoUri: plan.mongoUri,
    redisUrl: env.redisUrl,
    amqpUrl: env.amqpUrl,
    keys: plan.keys,
    ports: plan.ports,
    amqpPrefix: plan.amqpPrefix,
    redisPrefix: plan.redisPrefix,
    logLevel: 'warn',
    logDir: plan.logDir,
    extraEnv: { ...BENCH_ENV, ...probeEnv },
    onProgress: log,
  });
  cleanups.push(() => system.stop());
  log(`chorus: registering ${users} users; the first creates a server with 6 channels, the others join`);
  const community = await createCommunity(system.edgeUrl, plan.tag, users, 6);
  const tokens = await Promise.all(community.users.map((u) => u.client.http.accessToken()));
  const [big, b1, b2, b3, b4, lobby] = community.channelIds as [string, string, string, string, string, string];
  const target: Target = {
    name: 'chorus',
    servers: system.gateways.map((g) => ({ name: g.name, pid: g.child.pid, url: g.url })),
    others: {
      membership: system.membership.child.pid,
      history: system.history.child.pid,
      'redis (shared)': local(env.redisUrl, 6379),
      'rabbitmq (shared)': local(env.amqpUrl, 5672),
      mongodb: local(env.mongoUri, 27017),
    },
    auth: (u) => ({ token: tokens[u]! }),
    channels: { big, busy: [b1, b2, b3, b4], lobby },
  };
  report.chorus = await runScenario(target, params, log);
}

try {
  if (only !== 'chorus') await benchBaseline();
  if (only !== 'baseline') await benchChorus();
  const failed = [report.baseline, report.chorus].filter((r) => r && (r.failed > 0 || r.fan.complete < r.fan.messages));
  if (failed.length)
    throw new Error(`${failed.map((r) => r!.target).join(', ')}: sockets failed to connect or fan-out messages were not delivered to all`);
  await finish(0);
} catch (err) {
  report.failure = (err as Error).stack ?? String(err);
  await finish(1);
}
