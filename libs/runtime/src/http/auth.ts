import type { Request, RequestHandler, Response } from 'express';
import type { AuthenticatedUser } from '@chorus/contracts';
import { AppError } from './app-error.js';
import { bearerToken, type TokenVerifier } from '../tokens.js';

/** Requires a valid bearer token; the caller is then `currentUser(res)`. */
export function requireAuth(verify: TokenVerifier): RequestHandler {
  return (req: Request, res: Response, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) return next(new AppError('UNAUTHENTICATED', 'Authorization: Bearer <accessToken> is required'));
    try {
      res.locals.user = verify(token);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The authenticated caller of a request that passed `requireAuth`. */
export function currentUser(res: Response): AuthenticatedUser {
  const user = res.locals.user as AuthenticatedUser | undefined;
  if (!user) throw new AppError('UNAUTHENTICATED', 'Authentication required');
  return user;
}
