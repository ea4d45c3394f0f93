import type { ErrorRequestHandler, RequestHandler } from 'express';
import { errorObject } from '@chorus/contracts';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { AppError } from './app-error.js';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Maps anything thrown to an AppError; what is not ours becomes INTERNAL with nothing leaked. */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return AppError.validation(err);
  // Express (router) failing to decode a route parameter (`%E0%A4%A`): the client's URL is malformed.
  if (err instanceof URIError && (err as BodyParserError).status === 400) {
    return new AppError('VALIDATION_FAILED', 'Malformed URL encoding', [{ path: '', message: 'invalid percent-encoding in the path' }]);
  }
  const bp = err as BodyParserError;
  switch (bp?.type) {
    case 'entity.parse.failed':
      return new AppError('VALIDATION_FAILED', 'Body is not valid JSON', [{ path: '', message: 'malformed JSON' }]);
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('VALIDATION_FAILED', 'Unsupported body encoding', [{ path: '', message: 'use UTF-8 JSON' }]);
    default:
      return undefined;
  }
}

/** The one error mapper of a service's REST API (SPEC 1 error shape). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    const log = (req as { log?: Logger }).log ?? logger;
    if (!appError) {
      log.error({ err, reqId: req.id }, 'unhandled error');
      res.status(500).json({ error: errorObject('INTERNAL', `Internal error (reference ${String(req.id ?? 'n/a')})`) });
      return;
    }
    if (appError.code === 'RATE_LIMITED' && appError.details && 'retryAfterMs' in appError.details) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(appError.details.retryAfterMs / 1000))));
    }
    if (appError.code === 'UNAVAILABLE') log.warn({ reqId: req.id, msg2: appError.message }, 'dependency unavailable');
    res.status(appError.status).json({ error: appError.toErrorObject() });
  };
}

/** 404 for every route nobody serves, in the error shape. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}`));
};
