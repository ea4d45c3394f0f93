import type { RequestHandler } from 'express';
import { currentUser } from '@chorus/runtime';
import type { UserLimiter } from '../auth/rate-limit.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * `auth` plus SPEC 3's write limit: an authenticated POST/PUT/PATCH/DELETE takes one point of the
 * caller's fleet-wide budget (Redis) before its handler runs, so every write route that names `auth`
 * is limited without saying so, including routes added later. Reads pass untouched. Counted before
 * the body is validated: a flood of bad requests spends the budget like good ones.
 */
export function authWithWriteLimit(auth: RequestHandler, limiter: UserLimiter): RequestHandler {
  return (req, res, next) => {
    auth(req, res, (err?: unknown) => {
      if (err !== undefined) return next(err);
      if (!WRITES.has(req.method)) return next();
      limiter.take(currentUser(res).id).then(() => next(), next);
    });
  };
}
