import { Router, type Request, type RequestHandler } from 'express';
import { CreateServerRequest, ExploreServersQuery, ServerIdParams, UpdateServerRequest } from '@chorus/contracts';
import { currentUser, parseOrThrow } from '@chorus/runtime';
import type { ServerService } from './server.service.js';

export const correlationOf = (req: Request): string | undefined => (req.id === undefined ? undefined : String(req.id));

/**
 * SPEC 3 servers. Explore and a server's page are public (every server is discoverable and open to
 * join); `member=@me`, creating, changing and deleting need a token. `optionalAuth` verifies a token
 * when one is sent (a bad one is still a 401).
 */
export function serversRoutes(deps: { servers: ServerService; auth: RequestHandler; optionalAuth: RequestHandler }): Router {
  const router = Router();
  const { servers, auth, optionalAuth } = deps;

  router.get('/api/servers', optionalAuth, async (req, res) => {
    const query = parseOrThrow(ExploreServersQuery, req.query, 'Query is invalid');
    const viewer = res.locals.user === undefined ? undefined : currentUser(res);
    res.json({ servers: await servers.explore(query, viewer) });
  });

  router.post('/api/servers', auth, async (req, res) => {
    const body = parseOrThrow(CreateServerRequest, req.body);
    res.status(201).json(await servers.create(currentUser(res), body, correlationOf(req)));
  });

  router.get('/api/servers/:serverId', optionalAuth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    res.json(await servers.get(serverId, res.locals.user === undefined ? undefined : currentUser(res)));
  });

  router.patch('/api/servers/:serverId', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    const body = parseOrThrow(UpdateServerRequest, req.body);
    res.json(await servers.update(serverId, currentUser(res), body));
  });

  router.delete('/api/servers/:serverId', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    await servers.remove(serverId, currentUser(res), correlationOf(req));
    res.status(204).end();
  });

  return router;
}
