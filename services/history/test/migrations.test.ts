import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { type Connection } from 'mongoose';
import { createLogger, MIGRATIONS_COLLECTION, MigrationsPendingError } from '@chorus/runtime';
import { migrateService } from '../../../scripts/local/processes.js';
import { isolated } from '../../../test/support/isolated.js';
import { migrateHistory } from '../../../test/support/migrate.js';
import { loadConfig } from '../src/config.js';
import { createHistoryService } from '../src/service.js';

/** History's collections and indexes come from its migrate command (src/migrate.ts), not from a start. */
const iso = isolated('history-migrations');
const env = iso.serviceEnv();
let conn: Connection;
beforeAll(async () => {
  conn = await mongoose.createConnection(env.MONGODB_URI!).asPromise();
});
afterAll(async () => {
  await conn.close();
  await iso.cleanup();
});

const indexNames = async (collection: string) => (await conn.db!.collection(collection).indexes()).map((i) => i.name);

describe('history migrations', () => {
  it('a service on an unmigrated database is not ready and says why; it creates nothing', async () => {
    const svc = createHistoryService(loadConfig(env), createLogger('history-bare', 'silent'));
    try {
      await expect(svc.ready).rejects.toBeInstanceOf(MigrationsPendingError);
      expect((await conn.db!.listCollections().toArray()).map((c) => c.name)).toEqual([]);
    } finally {
      await svc.stop();
    }
  });

  it('the migrate command creates the collections and the README indexes, once', async () => {
    await migrateService({ service: 'history', env });
    const names = (await conn.db!.listCollections().toArray()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['messages', 'deleted_scopes', 'reactions', 'read_states', MIGRATIONS_COLLECTION]));
    expect(await indexNames('messages')).toEqual(
      expect.arrayContaining(['channelId_1__id_1', 'mentions_1_channelId_1__id_1', 'pendingEvent_at_1']),
    );
    expect(await indexNames('reactions')).toContain('channelId_1');
    expect(await indexNames('read_states')).toContain('channelId_1');
    const recorded = await conn.db!.collection(MIGRATIONS_COLLECTION).find().toArray();
    expect(recorded.map((r) => r._id)).toEqual([expect.stringMatching(/^history-collections-and-indexes-[0-9a-f]{12}$/)]);
    // Again: nothing to do.
    await migrateService({ service: 'history', env });
    expect(await migrateHistory(env.MONGODB_URI!)).toEqual([]);
    expect(await conn.db!.collection(MIGRATIONS_COLLECTION).countDocuments()).toBe(1);
  });

  it('then the service starts and its consumer attaches', async () => {
    const svc = createHistoryService(loadConfig(env), createLogger('history-migrated', 'silent'));
    try {
      await svc.ready;
      expect(svc.consumer.isUp()).toBe(true);
    } finally {
      await svc.stop();
    }
  });
});
