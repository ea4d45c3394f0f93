import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';
import { acceptHandOffs } from './http/handoff.js';
import { exitOnFatal, installShutdown } from './shutdown.js';

/**
 * What every service's `service.ts` returns: connections opened and wired, nothing listening yet.
 * `main.ts` hands it to `serve`; tests start it in-process and call `stop`.
 */
export interface RunningService {
  /** The HTTP server (REST and probes; the gateway's carries Socket.IO), not listening yet. */
  readonly server: Server;
  /** Resolves once every dependency is up and every consumer is attached: the service is ready. */
  readonly ready: Promise<void>;
  /** The graceful stop (SPEC 7): not ready → stop accepting → drain in-flight → cancel consumers → close connections. */
  stop(): Promise<void>;
}

/** Listens on `port` (0: the kernel picks) and resolves with the bound port. */
export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting connections and resolves once the open requests are answered (idle keep-alives are closed at once). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/**
 * The process side of a service (its `main.ts`): fatal faults exit, SIGTERM/SIGINT run `stop` within
 * `shutdownTimeoutMs`, the port is bound at once (so `/healthz` answers during start-up) and
 * `{"msg":"listening","port":N}` is logged once the service is ready — the line scripts and operators wait for.
 */
export async function serve(service: RunningService, options: { logger: Logger; port: number; shutdownTimeoutMs: number }): Promise<void> {
  const { logger } = options;
  exitOnFatal(logger);
  let stopping = false;
  installShutdown(
    logger,
    () => {
      stopping = true;
      return service.stop();
    },
    options.shutdownTimeoutMs,
  );
  service.server.on('error', (err) => {
    logger.fatal({ err }, 'http server failed');
    process.exit(1);
  });
  const port = await listen(service.server, options.port);
  // Started by a local parent with an IPC channel (`npm start`, the tests' and bench's launcher): its
  // entry proxy may hand client sockets straight to this server (http/handoff.ts). Elsewhere: nothing.
  if (process.channel) acceptHandOffs(service.server);
  logger.info({ port }, 'http bound; waiting for dependencies');
  try {
    await service.ready;
  } catch (err) {
    // e.g. MigrationsPendingError: the orchestrator restarts it once the migrate step has run.
    logger.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
  if (!stopping) logger.info({ port }, 'listening');
}
