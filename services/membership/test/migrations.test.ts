import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { type Connection } from 'mongoose';
import supertest from 'supertest';
import { createLogger, MIGRATIONS_COLLECTION, MigrationsPendingError } from '@chorus/runtime';
import { launchService, migrateService } from '../../../scripts/local/processes.js';
import { isolated } from '../../../test/support/isolated.js';
import { migrateMembership } from '../../../test/support/migrate.js';
import { loadConfig } from '../src/config.js';
import { createMembershipService } from '../src/service.js';
import { FAST_ACCOUNTS, PASSWORD } from './harness.js';

/**
 * Collections and indexes come from the migrate command (src/migrate.ts), never from a service start:
 * the command is idempotent, a service refuses an unmigrated database (the unique indexes decide
 * races), and starts on a migrated one.
 */
const iso = isolated('migrations');
const env = iso.serviceEnv({ ...FAST_ACCOUNTS, INSTANCE_ID: 'migrations' });
let conn: Connection;
beforeAll(async () => {
  conn = await mongoose.createConnection(env.MONGODB_URI!).asPromise();
});
afterAll(async () => {
  await conn.close();
  await iso.cleanup();
});

const records = async () => (await conn.db!.collection(MIGRATIONS_COLLECTION).find().toArray()).map((r) => r._id);
const uniqueKeys = async (collection: string) =>
  (await conn.db!.collection(collection).indexes()).filter((i) => i.unique).map((i) => JSON.stringify(i.key));

describe('the migrate command', () => {
  it('creates the collections and the unique indexes the code relies on, and records one step', async () => {
    await migrateService({ service: 'membership', env });
    expect(await records()).toEqual([expect.stringMatching(/^membership-collections-and-indexes-[0-9a-f]{12}$/)]);
    const names = (await conn.db!.listCollections().toArray()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['users', 'servers', 'channels', 'members', 'dms', 'outbox', 'categories']));
    expect(await uniqueKeys('users')).toContain('{"usernameLower":1}');
    expect(await uniqueKeys('members')).toContain('{"serverId":1,"userId":1}');
    expect(await uniqueKeys('dms')).toContain('{"pairKey":1}');
    expect(await uniqueKeys('refresh_tokens').then((k) => k.length)).toBeGreaterThan(0);
  });

  it('is idempotent: run again (as a process, twice at once, and in-process) it applies nothing and records nothing new', async () => {
    const before = await records();
    await Promise.all([migrateService({ service: 'membership', env }), migrateService({ service: 'membership', env })]);
    expect(await migrateMembership(env.MONGODB_URI!)).toEqual([]);
    expect(await records()).toEqual(before);
  });

  it('the unique index it made decides: a second user with the same name is refused by the database', async () => {
    const users = conn.db!.collection('users');
    const doc = { username: 'Dup', usernameLower: 'dup', passwordHash: 'x', createdAt: new Date() };
    await users.insertOne({ ...doc });
    await expect(users.insertOne({ ...doc })).rejects.toMatchObject({ code: 11000 });
  });

  it('concurrent migrate runs on a fresh database both succeed and record the step once', async () => {
    const fresh = isolated('migrations-fresh');
    const freshEnv = fresh.serviceEnv();
    try {
      await Promise.all([migrateService({ service: 'membership', env: freshEnv }), migrateMembership(freshEnv.MONGODB_URI!)]);
      const c = await mongoose.createConnection(freshEnv.MONGODB_URI!).asPromise();
      expect(await c.db!.collection(MIGRATIONS_COLLECTION).countDocuments()).toBe(1);
      await c.close();
    } finally {
      await fresh.cleanup();
    }
  });
});

describe('a service and its database', () => {
  it('refuses an unmigrated database: not ready, start-up fails naming the migrate command', async () => {
    const bare = isolated('migrations-bare');
    const service = createMembershipService(
      loadConfig(bare.serviceEnv({ ...FAST_ACCOUNTS, INSTANCE_ID: 'bare' })),
      createLogger('bare', 'silent'),
    );
    try {
      await expect(service.ready).rejects.toBeInstanceOf(MigrationsPendingError);
      await expect(service.ready).rejects.toThrow(/not migrated.*migrate/);
      const ready = await supertest(service.app).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.mongodb).toBe(false);
      // Nothing was created behind its back: no users collection, no index.
      const c = await mongoose.createConnection(bare.mongoUri).asPromise();
      expect((await c.db!.listCollections().toArray()).map((x) => x.name)).not.toContain('users');
      await c.close();
    } finally {
      await service.stop();
      await bare.cleanup();
    }
  });

  it('as a process (main.ts) on an unmigrated database it exits 1 with the reason', async () => {
    const bare = isolated('migrations-proc');
    const proc = launchService({
      service: 'membership',
      port: 0,
      env: bare.serviceEnv({ ...FAST_ACCOUNTS, INSTANCE_ID: 'bare-proc', LOG_LEVEL: 'fatal' }),
    });
    try {
      expect((await proc.exited).code).toBe(1);
      expect(proc.tail()).toMatch(/not migrated/);
    } finally {
      await proc.stop();
      await bare.cleanup();
    }
  });

  it('starts on the migrated database and serves: register, then the same name again is 409', async () => {
    const service = createMembershipService(loadConfig(env), createLogger('migrated', 'silent'));
    try {
      await service.ready;
      const api = supertest(service.app);
      expect((await api.get('/readyz')).status).toBe(200);
      expect((await api.post('/api/auth/register').send({ username: 'migrated', password: PASSWORD })).status).toBe(201);
      expect((await api.post('/api/auth/register').send({ username: 'Migrated', password: PASSWORD })).status).toBe(409);
    } finally {
      await service.stop();
    }
  });
});
