// The runtime's migration runner (umzug on a `migrations` collection) against the MongoDB wire server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Schema, type Connection } from 'mongoose';
import { assertMigrated, indexStep, MigrationsPendingError, pendingMigrations, runMigrations, type MigrationStep } from '@chorus/runtime';
import { isolated } from '../../../test/support/isolated.js';

const iso = isolated('runtime-migrations');
let conn: Connection;
beforeAll(async () => {
  conn = await mongoose.createConnection(iso.mongoUri, { autoIndex: false, autoCreate: false }).asPromise();
});
afterAll(async () => {
  await conn.close();
  await iso.cleanup();
});

/** A model on its own connection whose schema declares `indexes`. */
function widgetModel(c: Connection, name: string, indexes: Array<[Record<string, 1 | -1>, Record<string, unknown>]>) {
  const schema = new Schema({ sku: String, shelf: Number }, { collection: 'widgets', autoIndex: false });
  for (const [keys, options] of indexes) schema.index(keys, options);
  return c.model(name, schema);
}

describe('runMigrations', () => {
  it('runs pending steps in order once, records them, and skips them the next time', async () => {
    const calls: string[] = [];
    const steps: MigrationStep[] = ['a', 'b'].map((name) => ({ name: `test-${name}`, up: async () => void calls.push(name) }));
    expect(await pendingMigrations(conn, steps)).toEqual(['test-a', 'test-b']);
    expect(await runMigrations(conn, steps)).toEqual(['test-a', 'test-b']);
    expect(await runMigrations(conn, steps)).toEqual([]);
    expect(calls).toEqual(['a', 'b']);
    await expect(assertMigrated(conn, steps, 'test')).resolves.toBeUndefined();
  });

  it('a failing step is not recorded (the next run tries it again) and stops the steps after it', async () => {
    let attempts = 0;
    const steps: MigrationStep[] = [
      {
        name: 'test-flaky',
        up: async () => {
          if (++attempts === 1) throw new Error('boom');
        },
      },
      { name: 'test-after', up: async () => undefined },
    ];
    await expect(runMigrations(conn, steps)).rejects.toThrow(/test-flaky.*boom/);
    expect(await pendingMigrations(conn, steps)).toEqual(['test-flaky', 'test-after']);
    expect(await runMigrations(conn, steps)).toEqual(['test-flaky', 'test-after']);
  });

  it('assertMigrated names the service and the pending steps', async () => {
    const steps: MigrationStep[] = [{ name: 'test-never-run', up: async () => undefined }];
    const err = await assertMigrated(conn, steps, 'widgets').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationsPendingError);
    expect((err as MigrationsPendingError).pending).toEqual(['test-never-run']);
    expect((err as Error).message).toMatch(/^widgets: database not migrated/);
  });
});

describe('indexStep', () => {
  it('creates the collection and the declared indexes, unique ones enforced', async () => {
    const Widget = widgetModel(conn, 'Widget1', [[{ sku: 1 }, { unique: true }]]);
    const step = indexStep('widgets', [Widget]);
    expect(await runMigrations(conn, [step])).toEqual([step.name]);
    const indexes = await conn.db!.collection('widgets').indexes();
    expect(indexes.find((i) => i.key.sku === 1)?.unique).toBe(true);
    await Widget.collection.insertOne({ sku: 'w-1' });
    await expect(Widget.collection.insertOne({ sku: 'w-1' })).rejects.toMatchObject({ code: 11000 });
  });

  it('its name follows the declarations: a new index is a new step, the same declarations the same step', async () => {
    const one = indexStep('widgets', [widgetModel(conn, 'Widget2', [[{ sku: 1 }, { unique: true }]])]);
    const same = indexStep('widgets', [widgetModel(conn, 'Widget3', [[{ sku: 1 }, { unique: true }]])]);
    const more = indexStep('widgets', [
      widgetModel(conn, 'Widget4', [
        [{ sku: 1 }, { unique: true }],
        [{ shelf: 1 }, {}],
      ]),
    ]);
    expect(same.name).toBe(one.name);
    expect(more.name).not.toBe(one.name);
    // The database was migrated for `one`: code that declares `more` is not ready until migrate runs again.
    await expect(assertMigrated(conn, [more], 'widgets')).rejects.toBeInstanceOf(MigrationsPendingError);
    expect(await runMigrations(conn, [more])).toEqual([more.name]);
    await expect(assertMigrated(conn, [more], 'widgets')).resolves.toBeUndefined();
  });
});
