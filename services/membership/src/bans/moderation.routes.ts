import { Router, type RequestHandler } from 'express';
import { BanRequest, MemberParams, ServerIdParams } from '@chorus/contracts';
import { currentUser, parseOrThrow } from '@chorus/runtime';
import { correlationOf } from '../servers/servers.routes.js';
import type { Kick } from '../members/kick.service.js';
import type { BanService } from './ban.service.js';

/** SPEC 15 kick and ban. Mounted after membersRoutes, so `members/@me` never reaches the kick route. */
export function moderationRoutes(deps: { kick: Kick; bans: BanService; auth: RequestHandler }): Router {
  const router = Router();
  const { kick, bans, auth } = deps;

  router.delete('/api/servers/:serverId/members/:userId', auth, async (req, res) => {
    const { serverId, userId } = parseOrThrow(MemberParams, req.params);
    await kick(serverId, userId, currentUser(res), correlationOf(req));
    res.status(204).end();
  });

  router.get('/api/servers/:serverId/bans', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    res.json({ bans: await bans.list(serverId, currentUser(res)) });
  });

  router.put('/api/servers/:serverId/bans/:userId', auth, async (req, res) => {
    const { serverId, userId } = parseOrThrow(MemberParams, req.params);
    const body = parseOrThrow(BanRequest, req.body ?? {});
    await bans.ban(serverId, userId, currentUser(res), body, correlationOf(req));
    res.status(204).end();
  });

  router.delete('/api/servers/:serverId/bans/:userId', auth, async (req, res) => {
    const { serverId, userId } = parseOrThrow(MemberParams, req.params);
    await bans.unban(serverId, userId, currentUser(res));
    res.status(204).end();
  });

  return router;
}
