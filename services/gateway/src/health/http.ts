import { createHttpApp, finishApp, healthRoutes, type Logger, type Metrics, type ReadinessProbe } from '@chorus/runtime';

/**
 * The gateway's plain HTTP side: `/healthz` (alive), `/readyz` (Redis, subscriber, broker, consumers up
 * and not shutting down) and `/metrics`. Socket.IO serves `/socket.io/` on the same server before this
 * app sees it.
 */
export function createHealthApp(
  logger: Logger,
  probe: ReadinessProbe,
  shuttingDown: () => boolean,
  metrics?: Metrics,
): ReturnType<typeof createHttpApp> {
  const app = createHttpApp(logger, metrics);
  app.use(healthRoutes(probe, shuttingDown));
  return finishApp(app, logger);
}
