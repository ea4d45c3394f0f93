import { afterAll, beforeAll, expect } from 'vitest';
import { freePort, spawnService as spawnServiceProcess, type ServiceProcess } from '../../../../scripts/local/processes.js';
import type { Isolated } from '../../../../test/support/isolated.js';
import { startedView } from '../../../../test/support/started.js';
import { FAST_ACCOUNTS, FAST_WRITES } from '../../../../test/support/tuning.js';
import { closeClients } from './gateway-harness.js';

export type { ServiceProcess } from '../../../../scripts/local/processes.js';

const running = new Set<ServiceProcess>();

/**
 * Runs `services/<service>/src/main.ts` as its own process with the project's shared launcher (the one
 * `npm start` uses), on a free port unless given one, and resolves once it is ready.
 */
export async function spawnService(
  service: 'gateway' | 'membership' | 'history',
  env: Record<string, string>,
  options: { name?: string; port?: number; readyTimeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const proc = await spawnServiceProcess({ service, name: options.name ?? service, port, env }, options.readyTimeoutMs ?? 30_000);
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  return proc;
}

/** Stops every process this file started that is still running (afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...running].map((p) => p.stop()));
}

/** What `useFleet` runs: membership, history and two gateways, each its own process. */
export interface Fleet {
  readonly membership: ServiceProcess;
  readonly history: ServiceProcess;
  readonly gw1: ServiceProcess;
  readonly gw2: ServiceProcess;
}

/**
 * For a whole test file: the fleet (membership, history, gateways gw1 and gw2) on `iso`'s slice, with
 * `env` added to every process's environment, started together in beforeAll and stopped in afterAll
 * (clients first, then every process; each must exit with code 0). Read it inside tests and hooks.
 */
export function useFleet(iso: Isolated, env: Record<string, string> = {}): Fleet {
  let started: Fleet | undefined;

  beforeAll(async () => {
    const shared = iso.serviceEnv({ LOG_LEVEL: 'info', ...env });
    const [membership, history, gw1, gw2] = await Promise.all([
      spawnService('membership', { ...shared, ...FAST_ACCOUNTS, INSTANCE_ID: `${iso.amqpPrefix}-m1` }, { readyTimeoutMs: 50_000 }),
      spawnService('history', { ...shared, ...FAST_WRITES }, { readyTimeoutMs: 50_000 }),
      spawnService('gateway', { ...shared, GATEWAY_ID: `${iso.amqpPrefix}-gw1` }, { name: 'gw1', readyTimeoutMs: 50_000 }),
      spawnService('gateway', { ...shared, GATEWAY_ID: `${iso.amqpPrefix}-gw2` }, { name: 'gw2', readyTimeoutMs: 50_000 }),
    ]);
    started = { membership, history, gw1, gw2 };
  }, 60_000);

  afterAll(async () => {
    closeClients();
    const procs = started ? [started.gw1, started.gw2, started.history, started.membership] : [];
    const results = await Promise.all(procs.map(async (p) => [p.name, await p.stop()] as const));
    await stopAll();
    await iso.cleanup();
    for (const [name, r] of results) expect(r.code, `${name} exit code`).toBe(0);
  }, 60_000);

  return startedView<Fleet, keyof Fleet>('useFleet', () => started, ['membership', 'history', 'gw1', 'gw2']);
}
