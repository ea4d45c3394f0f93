import { Router, type RequestHandler } from 'express';
import { CreateInviteRequest, InviteCodeParams, ServerIdParams } from '@chorus/contracts';
import { currentUser, parseOrThrow } from '@chorus/runtime';
import { correlationOf } from '../servers/servers.routes.js';
import type { InviteService } from './invite.service.js';

/** SPEC 14 invites. The preview is public (the link is the secret); everything else needs a token. */
export function invitesRoutes(deps: { invites: InviteService; auth: RequestHandler }): Router {
  const router = Router();
  const { invites, auth } = deps;

  router.post('/api/servers/:serverId/invites', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    // No body at all means every default (7 days, unlimited uses).
    const body = parseOrThrow(CreateInviteRequest, req.body ?? {});
    res.status(201).json(await invites.create(serverId, currentUser(res), body));
  });

  router.get('/api/servers/:serverId/invites', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    res.json({ invites: await invites.list(serverId, currentUser(res)) });
  });

  router.get('/api/invites/:code', async (req, res) => {
    const { code } = parseOrThrow(InviteCodeParams, req.params);
    res.json(await invites.preview(code));
  });

  router.post('/api/invites/:code', auth, async (req, res) => {
    const { code } = parseOrThrow(InviteCodeParams, req.params);
    res.status(201).json(await invites.redeem(code, currentUser(res), correlationOf(req)));
  });

  router.delete('/api/invites/:code', auth, async (req, res) => {
    const { code } = parseOrThrow(InviteCodeParams, req.params);
    await invites.revoke(code, currentUser(res));
    res.status(204).end();
  });

  return router;
}
