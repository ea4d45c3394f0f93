import mongoose, { type Connection } from 'mongoose';
import { runMigrations, type MigrationStep } from '@chorus/runtime';
import { createModels } from '../../services/membership/src/db/models.js';
import { membershipMigrations } from '../../services/membership/src/db/migrations.js';
import { historyMigrations } from '../../services/history/src/migrations.js';

/**
 * What a service's migrate command does, in-process, for tests that start the service in-process
 * (`createMembershipService` / `createHistoryService`): services only check that their database is
 * migrated, they never migrate it. Processes started with `spawnService` / `startSystem` run the real
 * command instead (scripts/local/processes.ts).
 */
export async function migrateDatabase(uri: string, steps: (conn: Connection) => MigrationStep[]): Promise<string[]> {
  const conn = await mongoose.createConnection(uri, { autoIndex: false, autoCreate: false }).asPromise();
  try {
    return await runMigrations(conn, steps(conn));
  } finally {
    await conn.close();
  }
}

export const membershipSteps = (conn: Connection): MigrationStep[] => membershipMigrations(createModels(conn));
export const historySteps = historyMigrations;

export const migrateMembership = (uri: string) => migrateDatabase(uri, membershipSteps);
export const migrateHistory = (uri: string) => migrateDatabase(uri, historySteps);
