import { randomUUID } from 'node:crypto';
import express, { type Express, type Request } from 'express';
import { pinoHttp } from 'pino-http';
import { LIMITS } from '@chorus/contracts';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { httpMetrics, metricsRoutes } from './metrics.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * An express app with what every Chorus REST service wants before its routes: a correlation id
 * (`x-request-id` in, or a new UUID; echoed back), one JSON log line per request, request timings and
 * `GET /metrics` when given the service's metrics, and a strict JSON body parser with a size limit.
 * Mount routes, then call `finishApp`.
 */
export function createHttpApp(logger: Logger, metrics?: Metrics): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  if (metrics) {
    app.use(httpMetrics(metrics));
    app.use(metricsRoutes(metrics));
  }
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(express.json({ limit: LIMITS.maxJsonBodyBytes, strict: true, type: ['application/json', 'application/*+json'] }));
  return app;
}

/** Adds the 404 handler and the error mapper; call after every route. */
export function finishApp(app: Express, logger: Logger): Express {
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}

/** The request's correlation id (`x-request-id`, see `createHttpApp`), to carry into the events it causes. */
export function correlationOf(req: Request): string | undefined {
  return req.id === undefined ? undefined : String(req.id);
}
