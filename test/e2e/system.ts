import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../scripts/local/processes.js';
import { databaseFor, startSystem, type RunningSystem } from '../../scripts/local/system.js';
import { WEB_DIST } from '../../scripts/local/web-client.js';
import { dropDatabase } from '../support/drop.js';
import { isolated } from '../support/isolated.js';
import { FAST_ACCOUNTS } from '../support/tuning.js';

/**
 * Starts the real system (membership, history, two gateways, the entry point) for one test file,
 * exactly as `npm start` does (the entry point also serves the built web client, when there is one),
 * on free ports and this file's own database and prefixes.
 */
export function useSystem(name: string, extraEnv: Record<string, string> = {}): () => RunningSystem {
  const slice = isolated(name);
  let system: RunningSystem | undefined;
  beforeAll(async () => {
    const [edge, membership, history, g1, g2] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const env = slice.serviceEnv();
    system = await startSystem({
      mongoUri: slice.mongoUri,
      redisUrl: slice.redisUrl,
      amqpUrl: slice.amqpUrl,
      keys: slice.keys,
      ports: { edge, membership, history, gateways: [g1, g2] },
      amqpPrefix: slice.amqpPrefix,
      redisPrefix: slice.redisPrefix,
      logLevel: env.LOG_LEVEL,
      extraEnv: { ...FAST_ACCOUNTS, ...(slice.redisClusterNodes ? { REDIS_CLUSTER_NODES: slice.redisClusterNodes } : {}), ...extraEnv },
      webDir: WEB_DIST,
      // TEST_LOG_DIR=<dir> keeps each service's log (<dir>/<name>.log) for a failing run.
      ...(process.env.TEST_LOG_DIR ? { logDir: `${process.env.TEST_LOG_DIR}/${name}` } : {}),
    });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    await Promise.allSettled(['membership', 'history'].map((svc) => dropDatabase(databaseFor(slice.mongoUri, svc))));
    await slice.cleanup();
  }, 60_000);
  return () => {
    if (!system) throw new Error('system not started');
    return system;
  };
}
