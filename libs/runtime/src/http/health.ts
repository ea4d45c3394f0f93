import { Router } from 'express';

/** What `/readyz` asks: each dependency by name, true when it is up. */
export type ReadinessProbe = () => Record<string, boolean> | Promise<Record<string, boolean>>;

/**
 * `/healthz`: the process is alive (always 200 while it can answer).
 * `/readyz`: 200 only when every dependency is up and the service is not shutting down; 503 otherwise,
 * with the state of each dependency in the body.
 */
export function healthRoutes(probe: ReadinessProbe, isShuttingDown: () => boolean = () => false): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await Promise.resolve(probe()).catch(() => ({ probe: false }));
    const ready = !isShuttingDown() && Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', shuttingDown: isShuttingDown(), checks });
  });
  return router;
}
