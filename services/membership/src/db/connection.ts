import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '@chorus/runtime';

export interface Mongo {
  conn: Connection;
  /** Resolves once the first connection is up (retries every second until then; never rejects). */
  ready: Promise<void>;
  isUp(): boolean;
  close(): Promise<void>;
}

/**
 * A mongoose connection that keeps trying until the first connect succeeds; after that the driver
 * reconnects by itself. Queries are not buffered: while MongoDB is down they fail fast (→ 503).
 * No `sanitizeFilter`: every value reaching a filter was parsed by zod into a string or ObjectId first.
 */
export function connectMongo(uri: string, logger: Logger): Mongo {
  const conn = mongoose.createConnection();
  // Set before any model is compiled (conn.set() would not reach these before openUri).
  const config = conn.config as { bufferCommands?: boolean; autoIndex?: boolean; autoCreate?: boolean };
  config.bufferCommands = false;
  config.autoIndex = false; // ensureIndexes() creates them once connected
  config.autoCreate = false;
  let closed = false;
  conn.on('disconnected', () => !closed && logger.warn({ mongo: 'down' }, 'mongodb disconnected'));
  conn.on('reconnected', () => logger.info({ mongo: 'up' }, 'mongodb reconnected'));
  conn.on('error', (err: Error) => logger.warn({ err: err.message }, 'mongodb error'));

  const ready = (async () => {
    for (;;) {
      try {
        await conn.openUri(uri, {
          serverSelectionTimeoutMS: 5_000,
          maxPoolSize: 20,
          bufferCommands: false,
          autoIndex: false,
          autoCreate: false,
        });
        logger.info({ mongo: 'up' }, 'mongodb connected');
        return;
      } catch (err) {
        // Closed before the first connect: stay pending (nothing waits for a closed service).
        if (closed) return new Promise<void>(() => undefined);
        logger.warn({ err: (err as Error).message }, 'mongodb connection failed; retrying');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  })();

  return {
    conn,
    ready,
    isUp: () => conn.readyState === 1,
    close: async () => {
      closed = true;
      await conn.close();
    },
  };
}
