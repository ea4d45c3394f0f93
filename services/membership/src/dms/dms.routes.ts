import { Router, type RequestHandler } from 'express';
import { OpenDmRequest } from '@chorus/contracts';
import { currentUser, parseOrThrow } from '@chorus/runtime';
import type { UserLimiter } from '../auth/rate-limit.js';
import type { DmService } from './dm.service.js';

/** SPEC 10 direct messages: open one (201 new, 200 existing) and list the caller's. */
export function dmsRoutes(deps: { dms: DmService; auth: RequestHandler; writeLimiter: UserLimiter }): Router {
  const router = Router();
  router.post('/api/dms', deps.auth, async (req, res) => {
    const { userId } = parseOrThrow(OpenDmRequest, req.body);
    const caller = currentUser(res);
    await deps.writeLimiter.take(caller.id);
    const { dm, created } = await deps.dms.open(caller.id, userId);
    res.status(created ? 201 : 200).json(dm);
  });
  router.get('/api/dms', deps.auth, async (_req, res) => {
    res.json({ dms: await deps.dms.list(currentUser(res).id) });
  });
  return router;
}
