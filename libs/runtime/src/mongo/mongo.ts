import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../logger.js';

export interface Mongo {
  conn: Connection;
  /** Resolves once the first connection is up (retried with capped backoff; never rejects). */
  ready: Promise<void>;
  isUp(): boolean;
  close(): Promise<void>;
}

export interface MongoOptions {
  /** How long one operation waits for a usable server before failing (REST answers 503 then). Default 5 s. */
  serverSelectionTimeoutMS?: number;
}

/**
 * A mongoose connection that keeps trying until the first connect succeeds (200 ms doubling to 5 s: the
 * database may start after us); after that the driver reconnects by itself. Commands are not buffered:
 * while the database is down they fail fast (REST → 503, consumers → retry) instead of piling up in
 * memory. `autoIndex`/`autoCreate` off: collections and indexes come from the migrate step (migrations.ts). No `sanitizeFilter`:
 * every value reaching a filter was parsed by zod first.
 */
export function connectMongo(uri: string, logger: Logger, options: MongoOptions = {}): Mongo {
  const conn = mongoose.createConnection();
  // Set before any model is compiled (conn.set() would not reach these before openUri).
  Object.assign(conn.config, { bufferCommands: false, autoIndex: false, autoCreate: false });
  let closed = false;
  conn.on('disconnected', () => !closed && logger.warn({ mongodb: 'down' }, 'mongodb disconnected'));
  conn.on('reconnected', () => logger.info({ mongodb: 'up' }, 'mongodb reconnected'));
  conn.on('error', (err: Error) => logger.warn({ err }, 'mongodb connection error'));

  const ready = (async () => {
    for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        await conn.openUri(uri, {
          bufferCommands: false,
          autoIndex: false,
          autoCreate: false,
          serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000,
          heartbeatFrequencyMS: 2_000,
          maxPoolSize: 20,
        });
        logger.info({ mongodb: 'up' }, 'mongodb connected');
        return;
      } catch (err) {
        // Closed before the first connect: stay pending (nothing waits for a service that is stopping).
        if (closed) return new Promise<void>(() => undefined);
        logger.warn({ err, retryInMs: delay }, 'mongodb not reachable; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  })();

  return {
    conn,
    ready,
    isUp: () => conn.readyState === mongoose.ConnectionStates.connected,
    async close() {
      closed = true;
      await conn.close();
    },
  };
}

const UNAVAILABLE_NAMES: ReadonlySet<string> = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
]);

/** True for errors that mean "the database cannot be reached right now" (→ 503, retry), not "this request is wrong". */
export function isDatabaseUnavailable(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' && UNAVAILABLE_NAMES.has(name);
}
