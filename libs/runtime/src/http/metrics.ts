import { Router, type RequestHandler } from 'express';
import type { Metrics } from '../metrics.js';

/**
 * Times every request into `http_request_duration_seconds{method,route,status}`. The route is the
 * matched pattern (`/api/servers/:serverId`), never the raw path, so ids do not explode the series.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  const duration = metrics.histogram('http_request_duration_seconds', 'HTTP requests by route pattern and status', [
    'method',
    'route',
    'status',
  ]);
  return (req, res, next) => {
    const end = duration.startTimer();
    res.once('finish', () => {
      const pattern: unknown = req.route?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

/** `GET /metrics` in the Prometheus text format. */
export function metricsRoutes(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  return router;
}
