import type { Connection } from 'mongoose';
import { loadConfigOrExit, loadMigrateConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { connectMongo } from './mongo.js';
import { runMigrations, type MigrationStep } from './migrations.js';

/**
 * A service's `migrate.ts` (the one-shot process deploy runs before the service: k8s init container,
 * compose one-shot service, `npm start`, the test harnesses): connects, applies the pending steps,
 * logs `{"msg":"migrated","applied":[...]}` and exits 0; exits 1 on failure or when MongoDB is not
 * reachable within MIGRATE_TIMEOUT_MS; 2 on a bad variable. Needs only MONGODB_URI (no keys, no broker).
 */
export async function migrateCommand(service: string, steps: (conn: Connection) => MigrationStep[]): Promise<never> {
  const config = loadConfigOrExit(`${service}-migrate`, () => loadMigrateConfig());
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
