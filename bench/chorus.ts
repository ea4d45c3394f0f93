import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChorusClient } from '@chorus/client';
import { freePort } from '../scripts/local/processes.js';
import { startSystem, type RunningSystem } from '../scripts/local/system.js';
import { FAST_ACCOUNTS } from '../test/support/tuning.js';
import { mapLimit } from './stats.js';

export interface Deps {
  mongoUri: string;
  redisUrl: string;
  amqpUrl: string;
}

/**
 * Environment the benchmark gives every service. The fleet-wide per-user send limit (SPEC 5: 10 per
 * 10 s) and the gateway's per-socket flood guard (20 events/s, burst 60) are lifted because the
 * workload loads the fleet with few simulated users sending several messages a second each; left on,
 * the benchmark would measure RATE_LIMITED acks instead of the send path. Both still run on every
 * send (same Redis round trip, same token bucket); they just never refuse. Accounts are cheap
 * (FAST_ACCOUNTS: lowest argon2id cost, no registration budget) so registering the users from one IP
 * takes seconds; no measured path hashes a password.
 */
export const BENCH_ENV = {
  SEND_RATE_LIMIT: '100000',
  SOCKET_EVENT_RATE: '10000',
  SOCKET_EVENT_BURST: '100000',
  ...FAST_ACCOUNTS,
};

function withDatabase(uri: string, db: string): string {
  const url = new URL(uri);
  url.pathname = `/${db}`;
  return url.toString();
}

/** Names, keys and ports of one run: known before anything starts, so cleanup can find what it made. */
export interface ChorusPlan {
  tag: string;
  /** MONGODB_URI of this run (services append `_membership` / `_history`). */
  mongoUri: string;
  amqpPrefix: string;
  redisPrefix: string;
  logDir: string;
  keys: { privateKey: string; publicKey: string };
  ports: { edge: number; membership: number; history: number; gateways: number[] };
}

export async function planChorus(deps: Deps): Promise<ChorusPlan> {
  const tag = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    tag,
    mongoUri: withDatabase(deps.mongoUri, `chorus_bench_${tag}`),
    amqpPrefix: `bench-${tag}`,
    redisPrefix: `bench:${tag}:`,
    logDir: mkdtempSync(join(tmpdir(), 'chorus-bench-')),
    keys: {
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    ports: {
      edge: await freePort(),
      membership: await freePort(),
      history: await freePort(),
      gateways: [await freePort(), await freePort()],
    },
  };
}

/** Starts membership, history, two gateways and the edge (each service its own process). */
export function startChorus(deps: Deps, plan: ChorusPlan, log: (line: string) => void, cpuProfDir?: string): Promise<RunningSystem> {
  return startSystem({
    mongoUri: plan.mongoUri,
    redisUrl: deps.redisUrl,
    amqpUrl: deps.amqpUrl,
    keys: plan.keys,
    ports: plan.ports,
    amqpPrefix: plan.amqpPrefix,
    redisPrefix: plan.redisPrefix,
    logLevel: 'warn',
    logDir: plan.logDir,
    // --cpu-prof: every service writes a V8 CPU profile into that folder when it exits (bench/cpu-prof.mjs).
    extraEnv: cpuProfDir
      ? { ...BENCH_ENV, NODE_OPTIONS: `--import=${new URL('./cpu-prof.mjs', import.meta.url).href}`, CHORUS_CPU_PROF_DIR: cpuProfDir }
      : BENCH_ENV,
    onProgress: log,
  });
}

export interface BenchUser {
  id: string;
  username: string;
  /** Logged in through the entry point; its session is what the user's socket presents. */
  client: ChorusClient;
}

export interface Community {
  users: BenchUser[];
  serverId: string;
  /** Channels the realtime workload talks in. */
  channelIds: string[];
  /** A channel nobody talks in, for the 100,000-message history test. */
  historyChannelId: string;
}

/**
 * Through the entry point, as a client would: registers `userCount` users; the first creates a server
 * with `channelCount` channels (its default `general` is the first) plus one history channel; the
 * others join it.
 */
export async function createCommunity(edgeUrl: string, tag: string, userCount: number, channelCount: number): Promise<Community> {
  const password = randomBytes(12).toString('base64url');
  const users = await mapLimit(
    Array.from({ length: userCount }, (_v, i) => i),
    4,
    async (i): Promise<BenchUser> => {
      const client = new ChorusClient({ baseUrl: edgeUrl });
      const { user } = await client.auth.register({ username: `b${tag}_${i}`, password });
      return { id: user.id, username: user.username, client };
    },
  );
  const owner = users[0]!.client;
  const server = await owner.servers.create({ name: `bench ${tag}`, description: 'npm run bench' });
  const channelIds = [server.channels[0]!.id];
  for (let c = 1; c < channelCount; c++) channelIds.push((await owner.channels.create(server.id, { name: `bench-${c}` })).id);
  const history = await owner.channels.create(server.id, { name: 'history-100k' });
  await mapLimit(users.slice(1), 4, (u) => u.client.members.join(server.id));
  return { users, serverId: server.id, channelIds, historyChannelId: history.id };
}
