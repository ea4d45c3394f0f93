// `npm run bench`: the same open-loop realtime workload against the real Chorus system (membership,
// history, two gateways, as processes) and against a plain Socket.IO baseline process, then history page
// latency on a 100,000-message channel. Prints Markdown tables, writes bench/results/latest.json.
// Options: --users 60 --channels 6 --duration 20 --warmup 5 --min-interval 200 --max-interval 500
//          --history-messages 100000 --history-requests 200 --history-budget 8 --engagement-budget 4
//          --only baseline|chorus|history (history includes the reactions / read-state part)
//          --cpu-prof <dir> (every Chorus service writes a V8 CPU profile there when it exits)
//          --skip-steps (leave out the stepped capacity and hot-channel scenarios)
//          --client-overhead (run the default Chorus workload again through @chorus/client's ChorusSocket)
//          --scenario default|capacity|hot (repeatable; only these realtime scenarios, e.g. to iterate on one)
//          --steps 1000,2000 (the offered loads of the stepped scenarios, instead of their own ladders)
//          --via-edge (Chorus sockets connect through the entry point, as a browser's do, not straight to the gateways)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../scripts/local/processes.js';
import { databaseFor, type RunningSystem } from '../scripts/local/system.js';
import { startBaseline } from './baseline.js';
import { ChorusClient, memorySessionStore } from '@chorus/client';
import { createCommunity, planChorus, startChorus, type BenchUser, type ChorusPlan, type Community } from './chorus.js';
import { measureClientOverhead } from './client-overhead.js';
import { measureBrokerFloor } from './broker-floor.js';
import { dropRunData } from './cleanup.js';
import { benchEngagement } from './engagement.js';
import { measureHistory, seedChannel } from './history.js';
import { formatReport, machineInfo, type BenchReport } from './report.js';
import { pidListeningOn, portOf } from './procs.js';
import { clientSocket, rawSocket, type Connect } from './sockets.js';
import { cpuMeter } from './stats.js';
import { runSteps, type StepScenario } from './steps.js';
import { runWorkload, type WorkloadParams, type WorkloadUser } from './workload.js';

const HARD_LIMIT_MS = 290_000;
const GATEWAYS = 2;

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '60' },
    channels: { type: 'string', default: '6' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    'min-interval': { type: 'string', default: '200' },
    'max-interval': { type: 'string', default: '500' },
    'history-messages': { type: 'string', default: '100000' },
    'history-requests': { type: 'string', default: '200' },
    'history-budget': { type: 'string', default: '8' },
    'engagement-budget': { type: 'string', default: '4' },
    only: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'skip-steps': { type: 'boolean', default: false },
    'client-overhead': { type: 'boolean', default: false },
    scenario: { type: 'string', multiple: true },
    steps: { type: 'string' },
    'via-edge': { type: 'boolean', default: false },
  },
});
const int = (name: keyof typeof args, min: number, max: number): number => {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name} must be a whole number in [${min}, ${max}]`);
  return v;
};
const only = args.only;
if (only !== undefined && !['baseline', 'chorus', 'history'].includes(only)) throw new Error('--only must be baseline, chorus or history');
const runs = (part: string) => only === undefined || only === part;
const SCENARIOS = ['default', 'capacity', 'hot'];
const picked = args.scenario;
if (picked?.some((sc) => !SCENARIOS.includes(sc))) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}`);
const scenarioOn = (name: string) => (picked === undefined || picked.includes(name)) && (name === 'default' || !args['skip-steps']);
const stepsOverride = args.steps?.split(',').map((v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error('--steps must be whole numbers in [1, 100000], comma-separated');
  return n;
});

const users = int('users', 2, 2000);
const channels = int('channels', 1, users);
const params: WorkloadParams = {
  warmupMs: int('warmup', 0, 60) * 1000,
  durationMs: int('duration', 1, 120) * 1000,
  minIntervalMs: int('min-interval', 10, 60_000),
  maxIntervalMs: int('max-interval', 10, 60_000),
  contentChars: 120,
  ackTimeoutMs: 10_000,
  drainMs: 10_000,
  seed: 20_240_601,
};
if (params.maxIntervalMs < params.minIntervalMs) throw new Error('--max-interval must be ≥ --min-interval');
const historyMessages = int('history-messages', 100, 1_000_000);
const historyRequests = int('history-requests', 1, 10_000);
const historyBudgetMs = int('history-budget', 1, 120) * 1000;
const HISTORY_WARMUP = 3;
const engagementBudgetMs = int('engagement-budget', 1, 60) * 1000;

/**
 * The stepped scenarios (SPEC 5, "Order and load"), for both targets in the same run: capacity — 10
 * channels × 10 members, offered load stepped up; hot channel — one channel of 10 members. A step passes
 * with every message delivered once, in order, at send → delivered p99 < 50 ms; stepping a target stops
 * at its first failing step.
 */
const STEP_USERS = 100;
const STEP_CHANNELS = 10;
const HOT_USERS = 10;
const stepTiming = { warmupMs: 1_000, durationMs: 4_000, drainMs: 3_000, p99LimitMs: 50 };
const ladders: Array<StepScenario & { users: number; channels: number; key: string }> = [
  {
    key: 'capacity',
    name: 'capacity',
    steps: [250, 500, 1_000, 1_500, 2_000, 3_000, 4_000, 6_000, 8_000],
    users: STEP_USERS,
    channels: STEP_CHANNELS,
    ...stepTiming,
  },
  { key: 'hot', name: 'hot channel', steps: [250, 500, 750, 1_000], users: HOT_USERS, channels: 1, ...stepTiming },
];
const scenarios = ladders.filter((sc) => scenarioOn(sc.key)).map((sc) => (stepsOverride ? { ...sc, steps: stepsOverride } : sc));

const deps = { mongoUri: process.env.MONGODB_URI, redisUrl: process.env.REDIS_URL, amqpUrl: process.env.AMQP_URL };
if (!deps.mongoUri || !deps.redisUrl || !deps.amqpUrl) {
  process.stderr.write('MONGODB_URI, REDIS_URL and AMQP_URL must be set: run it as `npm run bench`.\n');
  process.exit(2);
}
const env = { mongoUri: deps.mongoUri, redisUrl: deps.redisUrl, amqpUrl: deps.amqpUrl };

const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const report: BenchReport = {
  startedAt: new Date(started).toISOString(),
  totalSeconds: 0,
  machine: machineInfo(),
  params: { ...params, users, channels, gateways: GATEWAYS, historyMessages, historyRequests, historyBudgetMs },
  cpu: {},
  stepped: [],
};

// Everything started is stopped in reverse order, on success, failure, signal or the hard time limit.
const cleanups: Array<{ name: string; run: () => Promise<void> }> = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const c of cleanups.reverse()) {
      await c.run().catch((err: Error) => log(`cleanup ${c.name} failed: ${err.message}`));
    }
  })());
/** Stops everything, then prints the report (whatever part of it exists) and writes the JSON. */
let finishing: Promise<never> | undefined;
const finish = (code: number): Promise<never> =>
  (finishing ??= (async () => {
    log('stopping everything');
    await cleanup();
    report.totalSeconds = (Date.now() - started) / 1000;
    process.stdout.write(`\n${formatReport(report)}\n`);
    const resultsDir = join(REPO_ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    log(`results written to bench/results/latest.json${code ? ' (run FAILED)' : ''}`);
    process.exit(code);
  })());
const abort = (why: string, code: number) => {
  log(why);
  report.failure ??= why;
  void finish(code);
};
process.once('SIGINT', () => abort('SIGINT: stopping everything', 130));
process.once('SIGTERM', () => abort('SIGTERM: stopping everything', 143));
const hardLimit = setTimeout(() => abort(`exceeded ${HARD_LIMIT_MS / 1000} s: stopping everything`, 1), HARD_LIMIT_MS);
hardLimit.unref();

/** Redis, RabbitMQ and MongoDB processes, when they run on this machine: their CPU is reported too. */
const local = (url: string, fallback: number) =>
  /^(127\.0\.0\.1|localhost|\[::1\])$/.test(new URL(url).hostname) ? pidListeningOn(portOf(url, fallback)) : undefined;
const dependencyPids = {
  'redis (shared)': local(env.redisUrl, 6379),
  'rabbitmq (shared)': local(env.amqpUrl, 5672),
  mongodb: local(env.mongoUri, 27017),
};

const hex24 = (prefix: string, n: number) => prefix + n.toString(16).padStart(24 - prefix.length, '0');
/** The baseline takes an id and a name in the handshake, unverified. */
const baselineSocket = (url: string, userId: string, username: string) => rawSocket(url, async () => ({ userId, username }));
/** A Chorus user presents the access token of their `@chorus/client` session. */
const chorusSocket = (u: BenchUser, url: string): Connect => rawSocket(url, async () => ({ token: await u.client.http.accessToken() }));
/**
 * Chorus users laid out over `channelCount` channels: channel c holds users c, c+C, c+2C, …; gateways
 * alternate per "row", so every channel has members on both gateways and every delivery crosses the
 * Redis adapter for half the room.
 */
const chorusUsers = (
  community: { users: BenchUser[]; channelIds: string[] },
  gateways: Array<{ url: string }>,
  count: number,
  channelCount: number,
  connect: (u: BenchUser, url: string) => Connect = chorusSocket,
): WorkloadUser[] =>
  community.users.slice(0, count).map((u, i) => {
    const url = gateways[Math.floor(i / channelCount) % gateways.length]!.url;
    return { username: u.username, url, channelId: community.channelIds[i % channelCount]!, connect: connect(u, url) };
  });

async function benchBaseline(): Promise<void> {
  log('baseline: starting the plain Socket.IO server');
  const baseline = await startBaseline();
  cleanups.push({ name: 'baseline server', run: baseline.stop });
  const channelIds = Array.from({ length: channels }, (_v, c) => hex24('c', c + 1));
  const list: WorkloadUser[] = Array.from({ length: users }, (_v, i) => ({
    username: `baseline_${i}`,
    url: baseline.url,
    channelId: channelIds[i % channels]!,
    connect: baselineSocket(baseline.url, hex24('a', i + 1), `baseline_${i}`),
  }));
  let meter: ReturnType<typeof cpuMeter> | undefined;
  if (scenarioOn('default'))
    report.baseline = await runWorkload('baseline', list, params, {
      log,
      onMeasureStart: () => (meter = cpuMeter({ baseline: baseline.pid, ...dependencyPids })),
      onMeasureEnd: () => (report.cpu!.baseline = meter?.stop()),
    });
  for (const sc of scenarios) {
    const ids = Array.from({ length: sc.channels }, (_v, c) => hex24('d', c + 1));
    const stepUsers: WorkloadUser[] = Array.from({ length: sc.users }, (_v, i) => ({
      username: `baseline_${i}`,
      url: baseline.url,
      channelId: ids[i % sc.channels]!,
      connect: baselineSocket(baseline.url, hex24('e', i + 1), `baseline_${i}`),
    }));
    report.stepped!.push(await runSteps('baseline', stepUsers, sc, params, log, { baseline: baseline.pid, ...dependencyPids }));
  }
  await baseline.stop();
}

async function benchChorus(): Promise<void> {
  log('chorus: starting membership, history, 2 gateways and the edge');
  const plan = await planChorus(env);
  cleanups.push({
    name: 'run data',
    run: () => dropRunData({ ...env, mongoUri: plan.mongoUri, redisPrefix: plan.redisPrefix, amqpPrefix: plan.amqpPrefix }),
  });
  const system = await startChorus(env, plan, log, args['cpu-prof']);
  cleanups.push({ name: 'chorus system', run: () => system.stop() });
  const communityUsers = Math.max(users, ...scenarios.map((sc) => sc.users));
  const communityChannels = Math.max(channels, ...scenarios.map((sc) => sc.channels));
  log(`chorus: up (logs in ${plan.logDir}); registering ${communityUsers} users, ${communityChannels} channels`);
  const community = await createCommunity(system.edgeUrl, plan.tag, communityUsers, communityChannels);

  if (runs('chorus')) {
    // --via-edge: sockets connect to the entry point, as a browser does (it hands each WebSocket to a
    // gateway, round-robin); by default straight to alternating gateways.
    const targets = args['via-edge'] ? [{ url: system.edgeUrl }] : system.gateways;
    const list = chorusUsers(community, targets, users, channels);
    const pids = {
      'gateway-1': system.gateways[0]?.child.pid,
      'gateway-2': system.gateways[1]?.child.pid,
      membership: system.membership.child.pid,
      history: system.history.child.pid,
      ...dependencyPids,
    };
    let meter: ReturnType<typeof cpuMeter> | undefined;
    if (scenarioOn('default'))
      report.chorus = await runWorkload('chorus', list, params, {
        log,
        onMeasureStart: () => (meter = cpuMeter(pids)),
        onMeasureEnd: () => (report.cpu!.chorus = meter?.stop()),
      });
    if (args['client-overhead']) {
      const viaClient = chorusUsers(community, targets, users, channels, (u, url) => clientSocket(u.client, url));
      report.clientOverhead = await measureClientOverhead(list, viaClient, params, log);
    }
    for (const sc of scenarios) {
      const stepUsers = chorusUsers(community, targets, sc.users, sc.channels);
      report.stepped!.push(await runSteps('chorus', stepUsers, sc, params, log, pids));
    }
    const dead = [system.membership, system.history, ...system.gateways].filter(
      (p) => p.child.exitCode !== null || p.child.signalCode !== null,
    );
    if (dead.length > 0) throw new Error(`service(s) died during the run: ${dead.map((p) => `${p.name}:\n${p.tail()}`).join('\n')}`);
  }

  if (runs('history')) await benchHistory(system, plan, community);
}

/** History page latency, reactions and read states, on the running system (after the realtime parts). */
async function benchHistory(system: RunningSystem, plan: ChorusPlan, community: Community): Promise<void> {
  const owner = community.users[0]!;
  // Before the 100,000-message channel: the MongoDB stand-in scans the whole collection per query.
  log(
    `engagement: reactions on every message of a page, and read states of a 50-channel server (${engagementBudgetMs / 1000} s per query)`,
  );
  report.engagement = await benchEngagement({
    edgeUrl: system.edgeUrl,
    historyUrl: system.history.url,
    historyDbUri: databaseFor(plan.mongoUri, 'history'),
    reader: owner,
    author: community.users[1]!,
    budgetMs: engagementBudgetMs,
    log,
  });
  log(`history: writing ${historyMessages} messages into one channel`);
  const seeded = await seedChannel(
    databaseFor(plan.mongoUri, 'history'),
    { channelId: community.historyChannelId, serverId: community.serverId, author: { id: owner.id, username: owner.username } },
    historyMessages,
  );
  log(`history: written in ${(seeded.ms / 1000).toFixed(1)} s; up to ${historyRequests} GETs or ${historyBudgetMs / 1000} s per query`);
  // The owner's session, presented straight to the history service (the run ends long before it expires).
  const historyClient = new ChorusClient({ baseUrl: system.history.url, sessionStore: memorySessionStore(owner.client.session) });
  const queries = await measureHistory(historyClient, community.historyChannelId, seeded.ids, {
    maxRequests: historyRequests,
    budgetMs: historyBudgetMs,
    warmup: HISTORY_WARMUP,
  });
  report.history = {
    messages: historyMessages,
    seedMs: seeded.ms,
    seedPerSecond: seeded.perSecond,
    maxRequestsPerQuery: historyRequests,
    budgetMsPerQuery: historyBudgetMs,
    warmupPerQuery: HISTORY_WARMUP,
    queries,
  };
}

/** RabbitMQ's confirm on its own at the default workload's rate: the floor under Chorus's send → ack. */
async function benchBrokerFloor(): Promise<void> {
  const rate = Math.round((users * 1000 * 2) / (params.minIntervalMs + params.maxIntervalMs));
  log(`broker floor: persistent publishes with confirms, ${rate}/s`);
  report.brokerFloor = await measureBrokerFloor(env.amqpUrl, `chorus-bench-floor-${process.pid}`, {
    rate,
    bytes: 600,
    durationMs: 8_000,
    warmupMs: 1_000,
    // The type of queue the services' messages go to (they read the same variable; quorum by default).
    queueType: process.env.AMQP_QUEUE_TYPE === 'classic' ? 'classic' : 'quorum',
  });
}

try {
  if (runs('chorus') && scenarioOn('default')) await benchBrokerFloor();
  if (runs('baseline')) await benchBaseline();
  if (runs('chorus') || runs('history')) await benchChorus();
  for (const w of [report.chorus, report.baseline]) {
    if (w && w.acked === 0) throw new Error(`${w.target}: no send was acknowledged`);
  }
  clearTimeout(hardLimit);
  await finish(0);
} catch (err) {
  report.failure = (err as Error).stack ?? String(err);
  clearTimeout(hardLimit);
  await finish(1);
}
