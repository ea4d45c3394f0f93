import { z } from 'zod';
import type { Connection } from 'mongoose';
import { commonEnv, env, loadConfigOrExit, parseEnv } from '../config.js';
import { createLogger } from '../logger.js';
import { connectMongo } from './mongo.js';
import { runMigrations, type MigrationStep } from './migrations.js';

const migrateEnv = z.object({
  MONGODB_URI: commonEnv.MONGODB_URI,
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  /** How long to wait for MongoDB before giving up (a Job/init container then fails and is retried). */
  MIGRATE_TIMEOUT_MS: env.int(120_000, 1_000, 3_600_000),
});

/**
 * A service's `migrate.ts` (the one-shot process deploy runs before the service: k8s init container,
 * compose one-shot service, `npm start`, the test harnesses): connects, applies the pending steps,
 * logs `{"msg":"migrated","applied":[...]}` and exits 0; exits 1 on failure or when MongoDB is not
 * reachable within MIGRATE_TIMEOUT_MS; 2 on a bad variable. Needs only MONGODB_URI (no keys, no broker).
 */
export async function migrateCommand(service: string, steps: (conn: Connection) => MigrationStep[]): Promise<never> {
  const config = loadConfigOrExit(`${service}-migrate`, () => parseEnv(migrateEnv, process.env));
  const logger = createLogger(`${service}-migrate`, config.LOG_LEVEL);
  const mongo = connectMongo(config.MONGODB_URI, logger);
  try {
    const timeout = new Promise<never>((_r, reject) => {
      setTimeout(
        () => reject(new Error(`MongoDB not reachable within ${config.MIGRATE_TIMEOUT_MS} ms`)),
        config.MIGRATE_TIMEOUT_MS,
      ).unref();
    });
    await Promise.race([mongo.ready, timeout]);
    const applied = await runMigrations(mongo.conn, steps(mongo.conn), logger);
    logger.info({ applied }, 'migrated');
    await mongo.close();
    process.exit(0);
  } catch (err) {
    logger.fatal({ err }, 'migration failed');
    process.exit(1);
  }
}
