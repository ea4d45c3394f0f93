import { launchService, migrateService, type ServiceProcess } from '../../../../scripts/local/processes.js';

export interface HistoryProcess extends ServiceProcess {
  /** Its JSON log lines so far. */
  logs(): Array<Record<string, unknown>>;
}

/**
 * Runs services/history/src/migrate.ts, then src/main.ts as its own process (as deploy would), and
 * waits for its "listening" line.
 */
export async function spawnHistory(env: Record<string, string>): Promise<HistoryProcess> {
  await migrateService({ service: 'history', env });
  const proc = launchService({ service: 'history', port: Number(env.PORT ?? 0), env });
  await proc.waitForLog((e) => e.msg === 'listening');
  const logs = () =>
    proc.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return Object.assign(proc, { logs });
}
