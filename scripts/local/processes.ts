import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one way Chorus service processes are started outside production: by `npm start`, the e2e suite,
 * the benchmark and every service's process tests.
 */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type ServiceName = 'membership' | 'history' | 'gateway';
export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  name: string;
  /** The port it was given (0: the kernel chose; read it from its `listening` log line). */
  port: number;
  url: string;
  child: ChildProcess;
  /** Every line it printed, stdout and stderr (the last 20,000). */
  lines: string[];
  /** The last `n` lines, for diagnosing a failure. */
  tail(n?: number): string;
  exited: Promise<Exit>;
  /** The first JSON log line matching `match`, already printed or still to come; rejects if it exits first. */
  waitForLog(match: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends `signal` (SIGTERM), then SIGKILL if it has not exited after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

export interface LaunchOptions {
  service: ServiceName;
  name?: string;
  port: number;
  env: Record<string, string>;
  /** Run the TypeScript sources (tsx, the default) or the built `dist/` (after `npm run build`). */
  from?: 'source' | 'dist';
  /** Also append the output here (JSON log lines). */
  logFile?: string;
  /** Open an IPC channel to it: the edge hands WebSocket clients' sockets to gateways over it (handoff.ts). */
  ipc?: boolean;
}

const MAX_LINES = 20_000;

const parseJson = (line: string): Record<string, unknown> | undefined => {
  try {
    const v: unknown = JSON.parse(line);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** Copies a child's output to `sink` as it comes and hands over each complete, non-empty line. */
function readLines(stream: NodeJS.ReadableStream, sink: NodeJS.WritableStream | undefined, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    sink?.write(chunk);
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      if (line) onLine(line);
    }
  });
}

/** Node's arguments to run `services/<service>/src/<file>.ts` (tsx) or its built `dist/<file>.js`. */
const entryOf = (service: ServiceName, file: 'main' | 'migrate', from: 'source' | 'dist' = 'source'): string[] =>
  from === 'source'
    ? ['--conditions=@chorus/source', '--import', 'tsx', join(REPO_ROOT, 'services', service, 'src', `${file}.ts`)]
    : [join(REPO_ROOT, 'services', service, 'dist', `${file}.js`)];

/** The services that own a MongoDB database, and so have a migrate command. */
export const MIGRATED_SERVICES: ReadonlySet<ServiceName> = new Set(['membership', 'history']);

/**
 * Runs the service's migrate command (`src/migrate.ts`: collections and indexes, see libs/runtime
 * migrations.ts) with `env` as a one-shot process — what the k8s init container and the compose
 * `migrate` service run — and resolves once it exited 0; rejects with its output otherwise.
 */
export function migrateService(o: Omit<LaunchOptions, 'port' | 'name'>, timeoutMs = 60_000): Promise<void> {
  const child = spawn(process.execPath, entryOf(o.service, 'migrate', o.from), {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const sink = o.logFile ? (mkdirSync(dirname(o.logFile), { recursive: true }), createWriteStream(o.logFile, { flags: 'a' })) : undefined;
  for (const stream of [child.stdout!, child.stderr!]) readLines(stream, sink, (line) => (out = `${out}${line}\n`.slice(-8_000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${o.service} migrate exited (code ${code}, signal ${signal}):\n${out}`));
    });
  });
}

/** Starts one service process and returns at once (see `spawnService` to wait until it is ready). */
export function launchService(o: LaunchOptions): ServiceProcess {
  const entry = entryOf(o.service, 'main', o.from);
  const child = spawn(process.execPath, entry, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...o.env, PORT: String(o.port) },
    stdio: o.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let sink: NodeJS.WritableStream | undefined;
  if (o.logFile) {
    mkdirSync(dirname(o.logFile), { recursive: true });
    sink = createWriteStream(o.logFile, { flags: 'a' });
  }
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const onLine = (line: string) => {
    lines.push(line);
    if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
    for (const watch of watchers) watch(line);
  };
  for (const stream of [child.stdout!, child.stderr!]) readLines(stream, sink, onLine);
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const tail = (n = 50) => lines.slice(-n).join('\n');
  const name = o.name ?? o.service;

  return {
    name,
    port: o.port,
    url: `http://127.0.0.1:${o.port}`,
    child,
    lines,
    tail,
    exited,
    waitForLog(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const found = lines.map(parseJson).find((e) => e && match(e));
        if (found) return resolve(found);
        const done = () => {
          clearTimeout(timer);
          watchers.delete(watch);
        };
        const watch = (line: string) => {
          const entry = parseJson(line);
          if (entry && match(entry)) {
            done();
            resolve(entry);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name}: no matching log line within ${timeoutMs} ms:\n${tail()}`));
        }, timeoutMs);
        watchers.add(watch);
        void exited.then(({ code, signal }) => {
          if (!watchers.has(watch)) return;
          done();
          reject(new Error(`${name} exited (code ${code}, signal ${signal}):\n${tail()}`));
        });
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 12_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/**
 * Runs the migrate command first (services with a database; `migrate: false` skips it), then starts
 * one service process on a known port and resolves once its `/readyz` answers 200 (at any log level).
 * If it exits or is not ready in time, it is killed and the error carries its last output.
 */
export async function spawnService(options: LaunchOptions & { migrate?: boolean }, readyTimeoutMs = 60_000): Promise<ServiceProcess> {
  if ((options.migrate ?? true) && MIGRATED_SERVICES.has(options.service)) await migrateService(options, readyTimeoutMs);
  const proc = launchService(options);
  const deadline = Date.now() + readyTimeoutMs;
  let gone = false;
  void proc.exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`${proc.name} exited during start-up:\n${proc.tail()}`);
    if (
      await fetch(`${proc.url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return proc;
    if (Date.now() > deadline) {
      await proc.stop('SIGKILL');
      throw new Error(`${proc.name} was not ready on :${options.port} within ${readyTimeoutMs} ms:\n${proc.tail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
