import { Router, type RequestHandler } from 'express';
import { UpdateProfileRequest, UserIdParams, UserSearchQuery } from '@chorus/contracts';
import { AppError, currentUser, parseOrThrow } from '@chorus/runtime';
import type { UserLimiter } from '../auth/rate-limit.js';
import { correlationOf } from '../servers/servers.routes.js';
import { accountGone, type ProfileService } from './profile.service.js';
import type { UserRepository } from './user.repository.js';

export interface UsersRoutesDeps {
  users: UserRepository;
  profiles: ProfileService;
  auth: RequestHandler;
  searchLimiter: UserLimiter;
  writeLimiter: UserLimiter;
}

/** SPEC 2 `@me` and SPEC 10 profiles and the people search. */
export function usersRoutes(deps: UsersRoutesDeps): Router {
  const router = Router();
  const { users, auth } = deps;

  router.get('/api/users/@me', auth, async (_req, res) => {
    const me = await users.findById(currentUser(res).id);
    if (!me) throw accountGone();
    res.json(me);
  });

  router.patch('/api/users/@me', auth, async (req, res) => {
    const body = parseOrThrow(UpdateProfileRequest, req.body);
    const user = currentUser(res);
    await deps.writeLimiter.take(user.id);
    res.json(await deps.profiles.update(user.id, body, correlationOf(req)));
  });

  router.get('/api/users', auth, async (req, res) => {
    const query = parseOrThrow(UserSearchQuery, req.query, 'Query is invalid');
    await deps.searchLimiter.take(currentUser(res).id);
    res.json({ users: await users.search(query.q.toLowerCase(), query.limit) });
  });

  router.get('/api/users/:userId', auth, async (req, res) => {
    const { userId } = parseOrThrow(UserIdParams, req.params);
    const profile = await users.findById(userId);
    if (!profile) throw new AppError('NOT_FOUND', 'No such user');
    res.json(profile);
  });

  return router;
}
