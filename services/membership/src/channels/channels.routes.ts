import { Router, type RequestHandler } from 'express';
import { ChannelIdParams, CreateChannelRequest, ServerIdParams, UpdateChannelRequest } from '@chorus/contracts';
import { currentUser, parseOrThrow } from '@chorus/runtime';
import { correlationOf } from '../servers/servers.routes.js';
import type { ChannelService } from './channel.service.js';

/** SPEC 3 channels: owner only. */
export function channelsRoutes(deps: { channels: ChannelService; auth: RequestHandler }): Router {
  const router = Router();
  const { channels, auth } = deps;

  router.post('/api/servers/:serverId/channels', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    const body = parseOrThrow(CreateChannelRequest, req.body);
    res.status(201).json(await channels.create(serverId, currentUser(res), body));
  });

  router.patch('/api/servers/:serverId/channels/:channelId', auth, async (req, res) => {
    const { serverId, channelId } = parseOrThrow(ChannelIdParams, req.params);
    const body = parseOrThrow(UpdateChannelRequest, req.body);
    res.json(await channels.update(serverId, channelId, currentUser(res), body));
  });

  router.delete('/api/servers/:serverId/channels/:channelId', auth, async (req, res) => {
    const { serverId, channelId } = parseOrThrow(ChannelIdParams, req.params);
    await channels.remove(serverId, channelId, currentUser(res), correlationOf(req));
    res.status(204).end();
  });

  return router;
}
