// `npm run test:faults`: the fleet under steady load through one fault at a time — SIGKILL and restart
// of a gateway, history and membership, then restarts of RabbitMQ, Redis and MongoDB (private ones,
// started here) — then every acknowledged message must be in history exactly once. See README.md.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateMongo, privateRedis, rabbitNode, type PrivateDependency } from './deps.js';
import { rabbitCluster } from './rabbit-cluster.js';
import { startFleet, type Fleet } from './fleet.js';
import { runLoad, setUp, type Person } from './load.js';
import { checkHistory } from './verify.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const PEOPLE = Number(process.env.FAULTS_PEOPLE ?? 12);
const INTERVAL_MS = Number(process.env.FAULTS_INTERVAL_MS ?? 50);
/** 1: one private RabbitMQ node, restarted as a whole; 3: a private 3-node cluster, one node SIGKILLed. */
const RABBIT_NODES = Number(process.env.FAULTS_RABBIT_NODES ?? 1);
/** Each round runs every fault once. */
const ROUNDS = Number(process.env.FAULTS_ROUNDS ?? 2);
/** How long a dependency stays down before it is started again. */
const DOWN_MS = 2_000;
/** A fault not recovered from within this is a failure. */
const RECOVERY_LIMIT_MS = 90_000;

interface Fault {
  name: string;
  /** Causes the fault, calling `down()` the moment the thing is gone, and resolves once it is back. */
  inject(down: () => void): Promise<void>;
}

interface Recovery {
  fault: string;
  /** From the moment it was gone until every person had a send acknowledged again. */
  sendsMs: number | undefined;
  /** From the moment it was gone until all four services answered /readyz 200 again. */
  readyMs: number | undefined;
  /** From the moment it was back (restarted, ready) until every person's sends succeeded again; 0 if they did before. */
  afterBackMs: number | undefined;
  failedAttempts: number;
}

const totalFailures = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

async function bounce(dep: PrivateDependency, down: () => void): Promise<void> {
  await dep.stop();
  down();
  await sleep(DOWN_MS);
  await dep.start();
}

/** Injects the fault and measures, while the load keeps running, how long until sends and readiness are back. */
async function measure(fault: Fault, fleet: Fleet, people: Person[], failures: Map<string, number>): Promise<Recovery> {
  const failedBefore = totalFailures(failures);
  let t0: number | undefined;
  let injectedDone = false;
  let backAt = 0;
  const injected = fault
    .inject(() => (t0 = Date.now()))
    .finally(() => {
      injectedDone = true;
      backAt = Date.now();
    });
  let sendsMs: number | undefined;
  let readyMs: number | undefined;
  const deadline = Date.now() + RECOVERY_LIMIT_MS;
  while (Date.now() < deadline && (sendsMs === undefined || readyMs === undefined || !injectedDone)) {
    if (t0 !== undefined) {
      const since = t0;
      if (sendsMs === undefined && people.every((p) => p.lastOkAt > since)) sendsMs = Math.max(...people.map((p) => p.lastOkAt)) - since;
      if (readyMs === undefined && injectedDone && (await fleet.ready()).length === 4) readyMs = Date.now() - since;
    }
    await sleep(100);
  }
  await injected;
  const afterBackMs = sendsMs === undefined || t0 === undefined ? undefined : Math.max(0, t0 + sendsMs - backAt);
  return { fault: fault.name, sendsMs, readyMs, afterBackMs, failedAttempts: totalFailures(failures) - failedBefore };
}

/** The broker: one node (the fault restarts it) or a cluster (the fault SIGKILLs the first node, then starts it again). */
async function privateBroker(dir: string): Promise<{ dep: PrivateDependency; url: string; describe: string; fault: Fault }> {
  const cookie = randomBytes(16).toString('hex');
  if (RABBIT_NODES <= 1) {
    const node = await rabbitNode({ nodeName: `chorus-faults-${process.pid}@localhost`, dir: join(dir, 'rabbitmq'), cookie });
    const fault = { name: `restart RabbitMQ (down ${DOWN_MS / 1000} s)`, inject: (down: () => void) => bounce(node, down) };
    return { dep: node, url: node.url, describe: `${node.nodeName} :${node.amqpPort}`, fault };
  }
  const cluster = await rabbitCluster(dir, RABBIT_NODES, cookie, String(process.pid));
  const first = cluster.nodes[0]!;
  const fault = {
    name: `SIGKILL RabbitMQ node 1 of ${RABBIT_NODES} + restart`,
    inject: async (down: () => void) => {
      await first.stop(true);
      down();
      await sleep(DOWN_MS);
      await first.start();
    },
  };
  const dep: PrivateDependency = { name: 'rabbitmq cluster', url: cluster.url, start: () => cluster.start(), stop: () => cluster.stop() };
  return { dep, url: cluster.url, describe: `${RABBIT_NODES}-node cluster :${cluster.nodes.map((n) => n.amqpPort).join(',')}`, fault };
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-faults-'));
  const broker = await privateBroker(dir);
  const redis = await privateRedis();
  const mongo = await privateMongo(join(dir, 'mongo'));
  const deps = [broker.dep, redis, mongo];
  let fleet: Fleet | undefined;
  let ok = false;
  try {
    log(`private dependencies in ${dir}: RabbitMQ ${broker.describe}, ${redis.url}, ${mongo.url}`);
    await Promise.all(deps.map((d) => d.start()));
    fleet = await startFleet({
      mongoUri: mongo.url,
      redisUrl: redis.url,
      amqpUrl: broker.url,
      logDir: join(dir, 'logs'),
      extraEnv: { SEND_RATE_LIMIT: '100000', ...(process.env.AMQP_QUEUE_TYPE ? { AMQP_QUEUE_TYPE: process.env.AMQP_QUEUE_TYPE } : {}) },
    });
    log('fleet ready: membership, history, gateway-1, gateway-2');
    const { people, channelIds } = await setUp(fleet.url('membership'), PEOPLE, 3);
    const load = runLoad(people, channelIds, fleet.gatewayUrls, INTERVAL_MS);
    await sleep(5_000);
    log(`load running: ${PEOPLE} people, one send each per ${INTERVAL_MS} ms after the last ack; ${load.stats.acked.size} acked so far`);

    const f = fleet;
    /** The gateway holding the most people right now (so the kill cuts sends in flight). */
    const busiest = (): 'gateway-1' | 'gateway-2' =>
      load.onGateway(f.url('gateway-1')) >= load.onGateway(f.url('gateway-2')) ? 'gateway-1' : 'gateway-2';
    const gatewayKill: Fault = {
      name: 'SIGKILL the busier gateway + restart',
      inject: (down) => {
        const victim = busiest();
        log(`  ${victim} holds ${load.onGateway(f.url(victim))} of ${PEOPLE} people`);
        return f.killAndRestart(victim, down);
      },
    };
    const round = (): Fault[] => [
      gatewayKill,
      { name: 'SIGKILL history + restart', inject: (down) => f.killAndRestart('history', down) },
      { name: 'SIGKILL membership + restart', inject: (down) => f.killAndRestart('membership', down) },
      broker.fault,
      { name: `restart Redis (down ${DOWN_MS / 1000} s, comes back empty)`, inject: (down) => bounce(redis, down) },
      { name: `restart MongoDB (down ${DOWN_MS / 1000} s)`, inject: (down) => bounce(mongo, down) },
    ];
    const faults = Array.from({ length: ROUNDS }, () => round()).flat();
    const recoveries: Recovery[] = [];
    for (const fault of faults) {
      log(`fault: ${fault.name}`);
      const r = await measure(fault, fleet, people, load.stats.failures);
      recoveries.push(r);
      log(
        `  sends OK again after ${r.sendsMs ?? 'NEVER'} ms, all ready after ${r.readyMs ?? 'NEVER'} ms, ${r.failedAttempts} failed attempts (retried)`,
      );
      await sleep(3_000);
    }
    log('stopping the load (every send in hand finishes or is given up)');
    await load.stop();
    const check = await checkHistory(fleet.url('history'), people[0]!.auth.accessToken, channelIds, load.stats);
    const ready = await fleet.ready();
    const outcomes = await sendOutcomes(fleet.gatewayUrls);

    log('');
    log('| fault | sends OK again | of which after it was back | all services ready | failed attempts (retried) |');
    log('|---|---|---|---|---|');
    for (const r of recoveries) log(`| ${r.fault} | ${fmt(r.sendsMs)} | ${fmt(r.afterBackMs)} | ${fmt(r.readyMs)} | ${r.failedAttempts} |`);
    log('');
    log(
      `acknowledged: ${load.stats.acked.size}; in history: ${check.stored}; acked but missing: ${check.missing.length}; duplicates by nonce: ${check.duplicates.length}`,
    );
    log(
      `ack naming another id than an earlier ack of the same nonce: ${load.stats.conflicting.length}; given up by clients: ${load.stats.abandoned.length}`,
    );
    log(`failed attempts by reason: ${JSON.stringify(Object.fromEntries(load.stats.failures))}`);
    log(`ready at the end: ${ready.join(', ')}`);
    log(`gateway send outcomes since their last start (both gateways): ${JSON.stringify(outcomes)}`);
    ok =
      check.missing.length === 0 &&
      check.duplicates.length === 0 &&
      load.stats.conflicting.length === 0 &&
      ready.length === 4 &&
      recoveries.every((r) => r.sendsMs !== undefined && r.readyMs !== undefined);
    if (!ok) log(`FAILED; missing ${JSON.stringify(check.missing.slice(0, 5))} duplicates ${JSON.stringify(check.duplicates.slice(0, 5))}`);
    log(ok ? 'PASS' : `FAIL (logs kept in ${dir})`);
  } finally {
    await fleet?.stop().catch((err: unknown) => log(`fleet stop: ${String(err)}`));
    await Promise.all(deps.map((d) => d.stop().catch((err: unknown) => log(`${d.name} stop: ${String(err)}`))));
    if (ok && !process.env.FAULTS_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  return ok ? 0 : 1;
}

/** `chorus_gateway_sends_total{outcome=...}` summed over the gateways (since each one's last start). */
async function sendOutcomes(gateways: string[]): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (const url of gateways) {
    const text = await fetch(`${url}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    for (const m of text.matchAll(/^chorus_gateway_sends_total\{[^}]*outcome="([a-z]+)"[^}]*\} (\d+)/gm))
      sums[m[1]!] = (sums[m[1]!] ?? 0) + Number(m[2]);
  }
  return sums;
}

const fmt = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
