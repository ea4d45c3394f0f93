import { Router, type RequestHandler } from 'express';
import { ListMembersQuery, MemberAccessQuery, ServerIdParams } from '@chorus/contracts';
import { currentUser, parseOrThrow } from '@chorus/runtime';
import { correlationOf } from '../servers/servers.routes.js';
import type { MemberService } from './member.service.js';

/** SPEC 3 membership (the seed's membership viewset). */
export function membersRoutes(deps: { members: MemberService; auth: RequestHandler }): Router {
  const router = Router();
  const { members, auth } = deps;

  router.put('/api/servers/:serverId/members/@me', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    res.status(201).json(await members.join(serverId, currentUser(res), correlationOf(req)));
  });

  router.delete('/api/servers/:serverId/members/@me', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    await members.leave(serverId, currentUser(res), correlationOf(req));
    res.status(204).end();
  });

  router.get('/api/servers/:serverId/members/@me', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    const { channelId } = parseOrThrow(MemberAccessQuery, req.query, 'Query is invalid');
    res.json(await members.isMember(serverId, currentUser(res), channelId));
  });

  router.get('/api/servers/:serverId/members', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    const query = parseOrThrow(ListMembersQuery, req.query, 'Query is invalid');
    res.json({ members: await members.list(serverId, currentUser(res), query) });
  });

  return router;
}
