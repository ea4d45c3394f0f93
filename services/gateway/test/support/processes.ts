import { freePort, spawnService as spawnServiceProcess, type ServiceProcess } from '../../../../scripts/local/processes.js';

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
