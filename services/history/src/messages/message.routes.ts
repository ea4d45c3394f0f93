import { Router, type Request, type Response } from 'express';
import { ChannelMessagesParams, EditMessageRequest, HistoryQuery, MessageParams } from '@chorus/contracts';
import { correlationOf, currentUser, parseOrThrow } from '@chorus/runtime';
import type { MessageService } from './message.service.js';
import { toPageRequest } from './pagination.js';

export interface MessageRoutesDeps {
  messages: MessageService;
}

/** `/api/channels/:channelId/messages` (SPEC 4), transport only: authenticate → parse → the service → respond. */
export function messageRoutes({ messages }: MessageRoutesDeps): Router {
  const router = Router();

  router.get('/api/channels/:channelId/messages', async (req: Request, res: Response) => {
    const { channelId } = parseOrThrow(ChannelMessagesParams, req.params, 'Invalid channel id');
    const query = parseOrThrow(HistoryQuery, req.query, 'Invalid history query');
    res.json(await messages.page(currentUser(res), channelId, toPageRequest(query)));
  });

  router.patch('/api/channels/:channelId/messages/:messageId', async (req: Request, res: Response) => {
    const ids = parseOrThrow(MessageParams, req.params, 'Invalid id');
    const { content } = parseOrThrow(EditMessageRequest, req.body ?? {}, 'Invalid message edit');
    res.json(await messages.edit(currentUser(res), ids, content, correlationOf(req)));
  });

  router.delete('/api/channels/:channelId/messages/:messageId', async (req: Request, res: Response) => {
    const ids = parseOrThrow(MessageParams, req.params, 'Invalid id');
    await messages.remove(currentUser(res), ids, correlationOf(req));
    res.status(204).end();
  });

  return router;
}
