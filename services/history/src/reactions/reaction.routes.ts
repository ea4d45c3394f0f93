import { Router, type Request, type Response } from 'express';
import { ReactionParams } from '@chorus/contracts';
import { correlationOf, currentUser, parseOrThrow } from '@chorus/runtime';
import type { ReactionService } from './reaction.service.js';

export interface ReactionRoutesDeps {
  reactions: ReactionService;
}

const PATH = '/api/channels/:channelId/messages/:messageId/reactions/:emoji/@me';

/** SPEC 12, transport only: `:emoji` arrives URL-decoded (express) and is validated as one emoji grapheme. */
export function reactionRoutes({ reactions }: ReactionRoutesDeps): Router {
  const router = Router();

  router.put(PATH, async (req: Request, res: Response) => {
    const params = parseOrThrow(ReactionParams, req.params, 'Invalid reaction');
    await reactions.add(currentUser(res), params, correlationOf(req));
    res.status(204).end();
  });

  router.delete(PATH, async (req: Request, res: Response) => {
    const params = parseOrThrow(ReactionParams, req.params, 'Invalid reaction');
    await reactions.remove(currentUser(res), params, correlationOf(req));
    res.status(204).end();
  });

  return router;
}
