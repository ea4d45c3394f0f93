import { Router, type Request, type Response } from 'express';
import { ChannelMessagesParams, MarkReadRequest, ReadStatesQuery } from '@chorus/contracts';
import { correlationOf, currentUser, parseOrThrow } from '@chorus/runtime';
import type { ReadStateService } from './read-state.service.js';

export interface ReadStateRoutesDeps {
  readStates: ReadStateService;
}

/** SPEC 13, transport only: `PUT /api/channels/:channelId/read` and `GET /api/users/@me/read-states`. */
export function readStateRoutes({ readStates }: ReadStateRoutesDeps): Router {
  const router = Router();

  router.put('/api/channels/:channelId/read', async (req: Request, res: Response) => {
    const { channelId } = parseOrThrow(ChannelMessagesParams, req.params, 'Invalid channel id');
    const { messageId } = parseOrThrow(MarkReadRequest, req.body ?? {}, 'Invalid read position');
    await readStates.markRead(currentUser(res), channelId, messageId, correlationOf(req));
    res.status(204).end();
  });

  router.get('/api/users/@me/read-states', async (req: Request, res: Response) => {
    const query = parseOrThrow(ReadStatesQuery, req.query, 'Invalid read-states query');
    res.json({ readStates: await readStates.list(currentUser(res), query) });
  });

  return router;
}
