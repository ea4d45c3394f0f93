import { Router, type RequestHandler } from 'express';
import { ChannelIdParams, OverrideParams, PutOverrideRequest } from '@chorus/contracts';
import { currentUser, parseOrThrow } from '@chorus/runtime';
import { correlationOf } from '../servers/servers.routes.js';
import type { OverrideService } from './override.service.js';

/** SPEC 15 channel overrides. DELETE is PUT with both lists empty. */
export function overridesRoutes(deps: { overrides: OverrideService; auth: RequestHandler }): Router {
  const router = Router();
  const { overrides, auth } = deps;

  router.get('/api/servers/:serverId/channels/:channelId/overrides', auth, async (req, res) => {
    const { serverId, channelId } = parseOrThrow(ChannelIdParams, req.params);
    res.json({ overrides: await overrides.list(serverId, channelId, currentUser(res)) });
  });

  router.put('/api/servers/:serverId/channels/:channelId/overrides/:roleId', auth, async (req, res) => {
    const { serverId, channelId, roleId } = parseOrThrow(OverrideParams, req.params);
    const body = parseOrThrow(PutOverrideRequest, req.body);
    res.json(await overrides.put(serverId, channelId, roleId, currentUser(res), body, correlationOf(req)));
  });

  router.delete('/api/servers/:serverId/channels/:channelId/overrides/:roleId', auth, async (req, res) => {
    const { serverId, channelId, roleId } = parseOrThrow(OverrideParams, req.params);
    await overrides.put(serverId, channelId, roleId, currentUser(res), { allow: [], deny: [] }, correlationOf(req));
    res.status(204).end();
  });

  return router;
}
