#!/usr/bin/env node
// A throwaway local Redis Cluster (3 masters, no replicas) from Debian's redis-server, for
// `npm run test:cluster`: free ports, its own temp dir, nothing saved to disk.
//
//   node scripts/redis-cluster.mjs <command> [args...]   runs the command with REDIS_CLUSTER_NODES set,
//                                                        then stops the cluster (exit code of the command)
//   import { startRedisCluster } from './redis-cluster.mjs'   { nodes: 'host:port,...', ports, stop() }
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HOST = '127.0.0.1';

/** A port nobody listens on right now (the kernel picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const cli = (port, ...args) => run('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeout: 30_000 });

async function waitFor(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function startNode(dir, port, busPort) {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--cluster-port',
      String(busPort),
      '--bind',
      HOST,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout',
      '3000',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--logfile',
      join(dir, `redis-${port}.log`),
    ],
    { stdio: 'ignore' },
  );
  return child;
}

/** Starts 3 masters, joins them with `redis-cli --cluster create`, waits for cluster_state:ok on each. */
export async function startRedisCluster({ size = 3, log = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-redis-cluster-'));
  const ports = [];
  for (let i = 0; i < size; i++) ports.push([await freePort(), await freePort()]);
  const children = ports.map(([port, bus]) => startNode(dir, port, bus));
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [port] of ports) await waitFor(`redis on :${port}`, async () => (await cli(port, 'PING')).stdout.trim() === 'PONG');
    const addresses = ports.map(([port]) => `${HOST}:${port}`);
    log(`creating a ${size}-master cluster on ${addresses.join(' ')} (data in ${dir})`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 60_000 });
    for (const [port] of ports)
      await waitFor(`cluster_state:ok on :${port}`, async () => (await cli(port, 'CLUSTER', 'INFO')).stdout.includes('cluster_state:ok'));
    return { nodes: addresses.join(','), ports: ports.map(([port]) => port), dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('usage: node scripts/redis-cluster.mjs <command> [args...]');
    process.exit(2);
  }
  const log = (line) => console.error(`[redis-cluster] ${line}`);
  const cluster = await startRedisCluster({ log });
  log(`REDIS_CLUSTER_NODES=${cluster.nodes}`);
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, REDIS_CLUSTER_NODES: cluster.nodes } });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', async (code, signal) => {
    await cluster.stop();
    log('stopped');
    process.exit(code ?? (signal ? 1 : 0));
  });
}
