import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, isDatabaseUnavailable, requireAuth, type TokenVerifier } from '@chorus/runtime';

/** Like requireAuth when an Authorization header is present (a bad token is a 401); a no-op without one. */
export function optionalAuth(verify: TokenVerifier): RequestHandler {
  const strict = requireAuth(verify);
  return (req, res, next) => (req.headers.authorization === undefined ? next() : strict(req, res, next));
}

/**
 * Turns dependency outages into 503 UNAVAILABLE before the shared mapper sees them: a known transient
 * driver error (`isDatabaseUnavailable`), or anything unexpected while a dependency is down, is "try again", not a 500.
 */
export function outageMapper(dependenciesUp: () => boolean): ErrorRequestHandler {
  return (err, _req, _res, next) => {
    if (err instanceof AppError) return next(err);
    // Client errors from the body parser (malformed JSON, too large) stay what they are.
    const status = (err as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status < 500) return next(err);
    if (isDatabaseUnavailable(err) || !dependenciesUp()) {
      return next(new AppError('UNAVAILABLE', 'A dependency is unavailable, try again'));
    }
    next(err);
  };
}
