import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { Umzug, type UmzugStorage } from 'umzug';
import type { Logger } from '../logger.js';

/**
 * One migration step of a service's database. `up` must be idempotent: two runners may start at once
 * (two replicas' init containers), and a step that died half way is run again in full. Steps run in
 * the order given; a step is recorded in the `migrations` collection only after `up` resolved.
 */
export interface MigrationStep {
  /** Unique and never reused; also the `_id` of its record. */
  name: string;
  up(conn: Connection): Promise<void>;
}

/** The collection that records applied steps (one document per step, `_id` = its name). */
export const MIGRATIONS_COLLECTION = 'migrations';

/** umzug's storage contract on our own collection: `_id` = step name, so concurrent runners record a step once. */
function mongoStorage(conn: Connection): UmzugStorage {
  const records = () => conn.db!.collection<{ _id: string; appliedAt: Date }>(MIGRATIONS_COLLECTION);
  return {
    async logMigration({ name }) {
      await records().updateOne({ _id: name }, { $setOnInsert: { appliedAt: new Date() } }, { upsert: true });
    },
    async unlogMigration({ name }) {
      await records().deleteOne({ _id: name });
    },
    async executed() {
      return (
        await records()
          .find({}, { projection: { _id: 1 } })
          .toArray()
      ).map((r) => r._id);
    },
  };
}

const fields = ({ name, ...rest }: Record<string, unknown>) => ({ step: name, ...rest });

function umzug(conn: Connection, steps: readonly MigrationStep[], logger: Logger | undefined): Umzug<Connection> {
  const log = logger?.child({ component: 'migrations' });
  return new Umzug<Connection>({
    migrations: steps.map((s) => ({ name: s.name, up: ({ context }) => s.up(context) })),
    context: conn,
    storage: mongoStorage(conn),
    // umzug logs {event, name, durationSeconds}; `name` would overwrite pino's logger name, so it is `step`.
    logger: log
      ? {
          info: (m) => log.info(fields(m), 'migration'),
          warn: (m) => log.warn(fields(m), 'migration'),
          error: (m) => log.error(fields(m), 'migration'),
          debug: (m) => log.debug(fields(m), 'migration'),
        }
      : undefined,
  });
}

/** Applies every step not yet recorded, in order; returns the names it applied (none: already migrated). */
export async function runMigrations(conn: Connection, steps: readonly MigrationStep[], logger?: Logger): Promise<string[]> {
  const applied = await umzug(conn, steps, logger).up();
  return applied.map((m) => m.name);
}

/** Names of the steps this code needs that the database has not recorded. */
export async function pendingMigrations(conn: Connection, steps: readonly MigrationStep[]): Promise<string[]> {
  return (await umzug(conn, steps, undefined).pending()).map((m) => m.name);
}

/** The database lacks steps this code relies on (unique indexes above all): the service must not start. */
export class MigrationsPendingError extends Error {
  override name = 'MigrationsPendingError';
  constructor(
    readonly service: string,
    readonly pending: string[],
  ) {
    super(
      `${service}: database not migrated (pending: ${pending.join(', ')}); ` +
        `run the migrate command first (npm run migrate -w services/${service}, or the deploy's migrate job)`,
    );
  }
}

/** Throws MigrationsPendingError unless every step is recorded. Read-only: a service never migrates. */
export async function assertMigrated(conn: Connection, steps: readonly MigrationStep[], service: string): Promise<void> {
  const pending = await pendingMigrations(conn, steps);
  if (pending.length > 0) throw new MigrationsPendingError(service, pending);
}

/** What `indexStep` needs of a mongoose model (any `Model<T>` has it). */
export interface IndexedModel {
  collection: { collectionName: string };
  schema: { indexes(): unknown[] };
  createCollection(): Promise<unknown>;
  createIndexes(): Promise<unknown>;
}

/**
 * The step that creates the models' collections and the indexes declared next to their schemas. Its
 * name carries a fingerprint of those declarations (collection, keys, options), so adding or changing
 * an index in a schema makes a new step that the next migrate run applies, and a service whose schemas
 * declare an index the database never got refuses to start. Additive only (`createIndexes`, never
 * `syncIndexes`): during a rolling deploy the previous version may still need an index; dropping one
 * is its own explicit step.
 */
export function indexStep(service: string, models: readonly IndexedModel[]): MigrationStep {
  const declared = models
    .map((m) => ({ collection: m.collection.collectionName, indexes: m.schema.indexes() }))
    .sort((a, b) => a.collection.localeCompare(b.collection));
  const fingerprint = createHash('sha256').update(JSON.stringify(declared)).digest('hex').slice(0, 12);
  return {
    name: `${service}-collections-and-indexes-${fingerprint}`,
    async up() {
      for (const model of models) {
        await model.createCollection(); // "already exists" is not an error (mongoose ignores code 48)
        await model.createIndexes();
      }
    },
  };
}
