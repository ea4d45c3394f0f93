import { hasPermission, type AuthenticatedUser, type HistoryPage, type Message } from '@chorus/contracts';
import { AppError, requireAccess, requirePermission, type AuthzClient } from '@chorus/runtime';
import { withMine } from '../reactions/mine.js';
import type { ReactionRepository } from '../reactions/reaction.repository.js';
import { stored } from '../stored.js';
import type { MessageEvents } from './message.events.js';
import { toMessage } from './message.mapper.js';
import type { MessageRepository } from './message.repository.js';
import type { PageRequest } from './pagination.js';

export interface MessageServiceDeps {
  repository: MessageRepository;
  authz: AuthzClient;
  events: MessageEvents;
  /** For `me` on each message's reactions. */
  reactions: ReactionRepository;
}

/**
 * History's rules (SPEC 4, 15), between the routes (which parse) and the repository (which stores): the
 * caller must be a member of the channel's server or a recipient of the DM (membership decides, over the
 * RPC, and answers with the caller's effective permissions in the channel); reading needs READ_HISTORY
 * there; only the author edits; the author or a holder of MANAGE_MESSAGES deletes (the owner holds every
 * permission; in a DM nobody holds it, so the author only); and every edit or delete is announced through
 * the per-message outbox. Order of refusals: membership (403/404) → READ_HISTORY (403) → message in this
 * channel (404) → 403.
 */
export interface MessageService {
  page(user: AuthenticatedUser, channelId: string, request: PageRequest): Promise<HistoryPage>;
  edit(user: AuthenticatedUser, ids: MessageIds, content: string, correlationId?: string): Promise<Message>;
  remove(user: AuthenticatedUser, ids: MessageIds, correlationId?: string): Promise<void>;
}

export interface MessageIds {
  channelId: string;
  messageId: string;
}

const notFound = () => new AppError('NOT_FOUND', 'Message not found');

export function createMessageService({ repository, authz, events, reactions }: MessageServiceDeps): MessageService {
  const access = async (user: AuthenticatedUser, channelId: string) => requireAccess(await authz.check(user.id, channelId));
  /** A change is refused up front while its event could not be published (rather than announced late). */
  const brokerUp = () => {
    if (!events.isUp()) throw new AppError('UNAVAILABLE', 'Message broker is unavailable, try again');
  };

  return {
    async page(user, channelId, request) {
      requirePermission(await access(user, channelId), 'READ_HISTORY', 'read its history');
      const page = await stored(repository.page(channelId, request));
      return { ...page, messages: await stored(withMine(reactions, user.id, page.messages)) };
    },

    async edit(user, { channelId, messageId }, content, correlationId) {
      await access(user, channelId);
      const existing = await stored(repository.find(channelId, messageId));
      if (!existing) throw notFound();
      if (existing.author.id.toHexString() !== user.id) throw new AppError('FORBIDDEN', 'Only the author can edit a message');
      brokerUp();
      const editedAt = new Date();
      const { envelope, pending } = events.updated(toMessage({ ...existing, content, editedAt }), correlationId);
      const updated = await stored(repository.edit(channelId, messageId, user.id, { content, editedAt, event: pending }));
      if (!updated) throw notFound();
      await events.deliver(channelId, messageId, envelope);
      const [mine] = await stored(withMine(reactions, user.id, [toMessage(updated)]));
      return mine!;
    },

    async remove(user, { channelId, messageId }, correlationId) {
      const { permissions } = await access(user, channelId);
      const existing = await stored(repository.find(channelId, messageId));
      if (!existing) throw notFound();
      const isAuthor = existing.author.id.toHexString() === user.id;
      if (!isAuthor && !hasPermission(permissions, 'MANAGE_MESSAGES')) {
        throw new AppError('FORBIDDEN', 'Deleting another member’s message needs the MANAGE_MESSAGES permission in this channel');
      }
      brokerUp();
      const serverId = existing.serverId?.toHexString() ?? null;
      const { envelope, pending } = events.deleted({ id: messageId, channelId, serverId, deletedBy: user.id }, correlationId);
      const deleted = await stored(
        repository.softDelete(channelId, messageId, { deletedBy: user.id, deletedAt: new Date(), event: pending }),
      );
      if (!deleted) throw notFound();
      await events.deliver(channelId, messageId, envelope);
    },
  };
}
