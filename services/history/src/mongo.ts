import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '@chorus/runtime';

export interface MongoOptions {
  /** How long one operation waits for a usable server before failing (REST answers 503 then). */
  serverSelectionTimeoutMS?: number;
  /** Stop retrying the first connection once this returns true (shutdown during start-up). */
  giveUp?: () => boolean;
}

/**
 * Connects to MongoDB, retrying the first connection with capped backoff (the database may start after
 * us). Afterwards the driver reconnects by itself. Commands are not buffered: while the database is
 * down they fail (REST → 503, consumer → retry) instead of piling up in memory.
 */
export async function connectMongo(uri: string, logger: Logger, options: MongoOptions = {}): Promise<Connection> {
  let delay = 200;
  for (;;) {
    const conn = mongoose.createConnection();
    try {
      await conn.openUri(uri, {
        bufferCommands: false,
        autoIndex: false,
        autoCreate: false,
        serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000,
        heartbeatFrequencyMS: 2_000,
        maxPoolSize: 20,
      });
      conn.on('disconnected', () => logger.warn({ mongodb: 'down' }, 'mongodb disconnected'));
      conn.on('reconnected', () => logger.info({ mongodb: 'up' }, 'mongodb reconnected'));
      conn.on('error', (err: Error) => logger.warn({ err: err.message }, 'mongodb connection error'));
      logger.info({ mongodb: 'up' }, 'mongodb connected');
      return conn;
    } catch (err) {
      await conn.close(true).catch(() => undefined);
      if (options.giveUp?.()) throw err;
      logger.warn({ err: (err as Error).message, retryInMs: delay }, 'mongodb not reachable; retrying');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

export function mongoIsUp(conn: Connection): boolean {
  return conn.readyState === mongoose.ConnectionStates.connected;
}

const UNAVAILABLE_NAMES = new Set([
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
  const name = (err as { name?: string } | null)?.name;
  return typeof name === 'string' && UNAVAILABLE_NAMES.has(name);
}
