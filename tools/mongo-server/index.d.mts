export interface MongoServerHandle {
  /** e.g. mongodb://127.0.0.1:40123 */
  uri: string;
  port: number;
  /** SIGTERM, SIGKILL after 5 s; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Fetch jars / compile if needed (idempotent). */
export function installMongoServer(): Promise<void>;

/** port 0 (default) picks a free port; dataDir selects the persistent H2 backend (default: in-memory). */
export function startMongoServer(options?: { port?: number; dataDir?: string }): Promise<MongoServerHandle>;
