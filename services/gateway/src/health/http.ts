import { createHttpApp, finishApp, healthRoutes, type Logger, type ReadinessProbe } from '@chorus/runtime';

/**
 * The gateway's plain HTTP side: `/healthz` (alive) and `/readyz` (Redis, subscriber, broker, consumers up
 * and not shutting down). Socket.IO serves `/socket.io/` on the same server before this app sees it.
 */
export function createHealthApp(logger: Logger, probe: ReadinessProbe, shuttingDown: () => boolean): ReturnType<typeof createHttpApp> {
  const app = createHttpApp(logger);
  app.use(healthRoutes(probe, shuttingDown));
  return finishApp(app, logger);
}
