import { Router, type Request, type Response } from 'express';
import { ChannelMessagesParams, EditMessageRequest, HistoryQuery, MessageParams, type HistoryPage } from '@chorus/contracts';
import { AppError, currentUser, parseOrThrow, requireAuth, type AuthzClient, type TokenVerifier } from '@chorus/runtime';
import { isDatabaseUnavailable } from '../mongo.js';
import { requireChannelAccess } from './authorize.js';
import type { MessageEvents } from './message.events.js';
import { toMessage } from './message.mapper.js';
import type { MessageRepository } from './message.repository.js';
import { toPageRequest } from './pagination.js';

export interface MessageRoutesDeps {
  repository: MessageRepository;
  authz: AuthzClient;
  events: MessageEvents;
  verifyToken: TokenVerifier;
}

/** Database outages become 503 UNAVAILABLE; everything else goes to the error mapper unchanged. */
async function db<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw new AppError('UNAVAILABLE', 'History storage is unavailable, try again');
    throw err;
  }
}

const correlationOf = (req: Request): string | undefined => (req.id === undefined ? undefined : String(req.id));

/** `/api/channels/:channelId/messages` (SPEC 4). Validation → authentication → membership → storage. */
export function messageRoutes(deps: MessageRoutesDeps): Router {
  const { repository, authz, events } = deps;
  const router = Router();
  router.use('/api/channels', requireAuth(deps.verifyToken));

  router.get('/api/channels/:channelId/messages', async (req: Request, res: Response) => {
    const user = currentUser(res);
    const { channelId } = parseOrThrow(ChannelMessagesParams, req.params, 'Invalid channel id');
    const query = parseOrThrow(HistoryQuery, req.query, 'Invalid history query');
    await requireChannelAccess(authz, user.id, channelId);
    const page: HistoryPage = await db(repository.page(channelId, toPageRequest(query)));
    res.json(page);
  });

  router.patch('/api/channels/:channelId/messages/:messageId', async (req: Request, res: Response) => {
    const user = currentUser(res);
    const { channelId, messageId } = parseOrThrow(MessageParams, req.params, 'Invalid id');
    const { content } = parseOrThrow(EditMessageRequest, req.body ?? {}, 'Invalid message edit');
    await requireChannelAccess(authz, user.id, channelId);
    const existing = await db(repository.find(channelId, messageId));
    if (!existing) throw new AppError('NOT_FOUND', 'Message not found');
    if (existing.author.id.toHexString() !== user.id) throw new AppError('FORBIDDEN', 'Only the author can edit a message');
    if (!events.isUp()) throw new AppError('UNAVAILABLE', 'Message broker is unavailable, try again');
    const editedAt = new Date();
    const { envelope, pending } = events.updated(toMessage({ ...existing, content, editedAt }), correlationOf(req));
    const updated = await db(repository.edit(channelId, messageId, user.id, { content, editedAt, event: pending }));
    if (!updated) throw new AppError('NOT_FOUND', 'Message not found');
    await events.deliver(channelId, messageId, envelope);
    res.json(toMessage(updated));
  });

  router.delete('/api/channels/:channelId/messages/:messageId', async (req: Request, res: Response) => {
    const user = currentUser(res);
    const { channelId, messageId } = parseOrThrow(MessageParams, req.params, 'Invalid id');
    const access = await requireChannelAccess(authz, user.id, channelId);
    const existing = await db(repository.find(channelId, messageId));
    if (!existing) throw new AppError('NOT_FOUND', 'Message not found');
    const isAuthor = existing.author.id.toHexString() === user.id;
    if (!isAuthor && access.role !== 'owner') throw new AppError('FORBIDDEN', 'Only the author or the server owner can delete a message');
    if (!events.isUp()) throw new AppError('UNAVAILABLE', 'Message broker is unavailable, try again');
    const serverId = existing.serverId.toHexString();
    const { envelope, pending } = events.deleted({ id: messageId, channelId, serverId, deletedBy: user.id }, correlationOf(req));
    const deleted = await db(repository.softDelete(channelId, messageId, { deletedBy: user.id, deletedAt: new Date(), event: pending }));
    if (!deleted) throw new AppError('NOT_FOUND', 'Message not found');
    await events.deliver(channelId, messageId, envelope);
    res.status(204).end();
  });

  return router;
}
