// Start Chorus's local MongoDB stand-in (mongo-java-server) from Node. See README.md.
import { spawn, execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'mongo-server.sh');
const READY_TIMEOUT_MS = 60_000;
const KILL_AFTER_MS = 5_000;

/** Fetch jars / compile if needed (idempotent; fast when already installed). */
export async function installMongoServer() {
  try {
    await promisify(execFile)('bash', [SCRIPT, 'install'], { maxBuffer: 16 << 20 });
  } catch (err) {
    throw new Error(`mongo-server install failed: ${String(err.stderr || err.message).trim()}`);
  }
}

/**
 * @param {{ port?: number, dataDir?: string }} [options] port 0 = pick a free port;
 *   dataDir = persistent H2 backend in that directory (default: in-memory).
 * @returns {Promise<{ uri: string, port: number, stop: () => Promise<void> }>}
 */
export async function startMongoServer({ port = 0, dataDir } = {}) {
  await installMongoServer();
  const args = [SCRIPT, 'start', '--port', String(port), '--exit-on-stdin-close'];
  args.push(...(dataDir ? ['--data', dataDir] : ['--memory']));
  // stdin stays a pipe we never close: if this process dies, the server sees EOF and exits.
  const child = spawn('bash', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => {});

  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const address = await new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`mongo-server ${why}\n--- stderr tail ---\n${stderr.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /^READY (\S+):(\d+)$/m.exec(out);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ host: m[1], port: Number(m[2]) });
      }
    });
    child.once('error', (err) => fail(`could not be spawned: ${err.message}`));
    exited.then(({ code, signal }) => fail(`exited before READY (code ${code}, signal ${signal})`));
  });

  // The server must never keep this process alive on its own.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) s.unref?.();

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
    })());

  return { uri: `mongodb://${address.host}:${address.port}`, port: address.port, stop };
}
