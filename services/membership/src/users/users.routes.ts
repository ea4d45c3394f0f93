import { Router, type RequestHandler } from 'express';
import { AppError, currentUser } from '@chorus/runtime';
import type { UserRepository } from './user.repository.js';

export function usersRoutes(deps: { users: UserRepository; auth: RequestHandler }): Router {
  const router = Router();
  router.get('/api/users/@me', deps.auth, async (_req, res) => {
    const me = await deps.users.findById(currentUser(res).id);
    // A valid token for an account that no longer exists is no longer a credential.
    if (!me) throw new AppError('UNAUTHENTICATED', 'This account no longer exists');
    res.json(me);
  });
  return router;
}
