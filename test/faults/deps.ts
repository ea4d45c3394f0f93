// Private dependencies for the fault suite: a RabbitMQ node, a Redis and a MongoDB wire server of its own,
// on free ports and in its own directories, so it can stop and start them while other people's tests
// keep using the machine's RabbitMQ (5672) and Redis (6379). Nothing here touches those.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/local/processes.js';
import { portAnswers } from '../../scripts/local-deps.mjs';
import { startMongoServer } from '../../tools/mongo-server/index.mjs';

/** A dependency the suite can take away and give back, on the same address and with the same data. */
export interface PrivateDependency {
  name: string;
  url: string;
  start(): Promise<void>;
  /** `kill`: SIGKILL (a crash) instead of a clean stop. */
  stop(kill?: boolean): Promise<void>;
}

const RABBIT_BIN = '/usr/lib/rabbitmq/bin';

async function waitForPort(port: number, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await portAnswers(port, '127.0.0.1', 500))) {
    if (Date.now() > deadline) throw new Error(`${what} did not answer on :${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess | undefined, kill: boolean, graceMs = 15_000): Promise<void> {
  if (!child) return;
  const exited = exitOf(child);
  child.kill(kill ? 'SIGKILL' : 'SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface RabbitNodeOptions {
  /** Erlang node name, e.g. `chorus-faults-1@localhost`. */
  nodeName: string;
  dir: string;
  /** A shared cookie makes nodes able to cluster (and `rabbitmqctl` able to reach them). */
  cookie: string;
  amqpPort?: number;
  distPort?: number;
}

export interface RabbitNode extends PrivateDependency {
  nodeName: string;
  amqpPort: number;
  /** `rabbitmqctl -n <node> ...` with this node's cookie. */
  ctl(...args: string[]): Promise<string>;
}

/**
 * One RabbitMQ node run from Debian's package as this user (not through the `rabbitmq` wrapper, which
 * would run it as the machine's node's user and HOME): its own node name, AMQP and distribution ports,
 * mnesia and log directories, cookie (`HOME`), no plugins (so no management port to collide on). The
 * machine's epmd is shared, as it is meant to be.
 */
export async function rabbitNode(o: RabbitNodeOptions): Promise<RabbitNode> {
  const amqpPort = o.amqpPort ?? (await freePort());
  const distPort = o.distPort ?? (await freePort());
  const home = join(o.dir, 'home');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, '.erlang.cookie'), o.cookie, { mode: 0o400 });
  writeFileSync(join(o.dir, 'rabbitmq.conf'), 'loopback_users.guest = false\n');
  writeFileSync(join(o.dir, 'enabled_plugins'), '[].\n');
  writeFileSync(join(o.dir, 'rabbitmq-env.conf'), '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    RABBITMQ_NODENAME: o.nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(o.dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(o.dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(o.dir, 'rabbitmq.conf'),
    RABBITMQ_CONF_ENV_FILE: join(o.dir, 'rabbitmq-env.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(o.dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(o.dir, 'pid'),
    ERL_CRASH_DUMP: join(o.dir, 'erl_crash.dump'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_SERVER_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
  let child: ChildProcess | undefined;
  const ctl = async (...args: string[]) =>
    (await promisify(execFile)(join(RABBIT_BIN, 'rabbitmqctl'), ['-n', o.nodeName, ...args], { env, cwd: o.dir, timeout: 120_000 })).stdout;
  const name = `rabbitmq ${o.nodeName}`;
  return {
    name,
    nodeName: o.nodeName,
    amqpPort,
    url: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    ctl,
    async start() {
      rmSync(join(o.dir, 'pid'), { force: true });
      const out = openSync(join(o.dir, 'server.out'), 'a');
      // cwd: an Erlang crash dump lands in the node's directory, never in the repository.
      const proc = spawn(join(RABBIT_BIN, 'rabbitmq-server'), [], { env, cwd: o.dir, stdio: ['ignore', out, out] });
      child = proc;
      closeSync(out);
      // `await_startup` fails at once while the node has not registered with epmd yet: ask again.
      const deadline = Date.now() + 90_000;
      for (;;) {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${name} exited during start-up (see ${o.dir}/server.out)`);
        const up = await ctl('await_startup', '--timeout', '60').then(
          () => true,
          () => false,
        );
        if (up) break;
        if (Date.now() > deadline) throw new Error(`${name} did not start within 90 s (see ${o.dir}/server.out)`);
        await new Promise((r) => setTimeout(r, 500));
      }
      await waitForPort(amqpPort, name);
    },
    async stop(kill = false) {
      // `rabbitmq-server` in the foreground is a shell that runs the Erlang VM as its child and turns
      // SIGTERM into a clean stop; a SIGKILL must reach the VM itself (its pid file), or it lives on.
      const beam = ourBeam(join(o.dir, 'pid'), o.dir);
      if (kill && beam) signal(beam, 'SIGKILL');
      await stopChild(child, kill, 30_000);
      child = undefined;
      if (beam && ourBeam(join(o.dir, 'pid'), o.dir) === beam) {
        signal(beam, 'SIGKILL');
        while (signal(beam, 0)) await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** The node's Erlang VM pid from its pid file, if that process is alive and is the VM started on `dir`. */
function ourBeam(pidFile: string, dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Sends `sig` to `pid`; false when there is no such process. */
function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** A Redis of its own that keeps nothing on disk (`--save ''`, no AOF): a restart comes back empty. */
export async function privateRedis(): Promise<PrivateDependency> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  return {
    name: 'redis',
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      await waitForPort(port, 'redis');
    },
    async stop(kill = false) {
      await stopChild(child, kill);
      child = undefined;
    },
  };
}

/** The MongoDB wire server with its data on disk (H2 in `dir`), so a restart keeps what was stored. */
export async function privateMongo(dir: string): Promise<PrivateDependency> {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  let server: { stop(): Promise<void> } | undefined;
  return {
    name: 'mongodb',
    url: `mongodb://127.0.0.1:${port}/faults`,
    async start() {
      server = await startMongoServer({ port, dataDir: dir });
    },
    async stop() {
      await server?.stop();
      server = undefined;
    },
  };
}
