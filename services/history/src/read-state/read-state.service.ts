import { createEnvelope, type AnyEnvelope, type AuthenticatedUser, type ReadState, type ReadStatesQuery } from '@chorus/contracts';
import { requireAccess, requireChannelList, requirePermission, type AuthzClient } from '@chorus/runtime';
import type { Announcer } from '../events/announce.js';
import { stored } from '../stored.js';
import type { ReadStateRepository } from './read-state.repository.js';
import type { UnreadRepository } from './unread.repository.js';

export interface ReadStateServiceDeps {
  readStates: ReadStateRepository;
  unread: UnreadRepository;
  authz: AuthzClient;
  announcer: Announcer;
}

/**
 * SPEC 13. A read position only moves forward (an older id is a no-op, not an error); a move is relayed
 * to the reader's own sockets as `read:updated`. The list asks membership which channels the caller may
 * read (a server's, or their DMs) in one RPC, then costs a bounded amount per channel.
 */
export interface ReadStateService {
  markRead(user: AuthenticatedUser, channelId: string, messageId: string, correlationId?: string): Promise<void>;
  list(user: AuthenticatedUser, query: ReadStatesQuery): Promise<ReadState[]>;
}

export function createReadStateService({ readStates, unread, authz, announcer }: ReadStateServiceDeps): ReadStateService {
  return {
    async markRead(user, channelId, messageId, correlationId) {
      requirePermission(requireAccess(await authz.check(user.id, channelId)), 'READ_HISTORY', 'mark it read');
      announcer.requireBroker();
      const moved = await stored(readStates.markRead({ userId: user.id, channelId, messageId }));
      if (!moved) return;
      await announcer.announce(
        createEnvelope('read.updated', 1, { userId: user.id, channelId, messageId }, 'history', correlationId) as AnyEnvelope,
      );
    },

    async list(user, query) {
      const scope = query.serverId
        ? { kind: 'server-channels' as const, userId: user.id, serverId: query.serverId }
        : { kind: 'dm-channels' as const, userId: user.id };
      const { channels } = requireChannelList(await authz.channels(scope));
      const ids = channels.map((c) => c.id);
      const positions = await stored(readStates.positions(user.id, ids));
      return stored(
        Promise.all(
          ids.map(async (channelId) => {
            const lastRead = positions.get(channelId);
            const counts = await unread.counts(channelId, user.id, lastRead);
            return {
              channelId,
              lastReadId: lastRead?.toHexString() ?? null,
              lastMessageId: counts.lastMessageId?.toHexString() ?? null,
              unreadCount: counts.unreadCount,
              mentionCount: counts.mentionCount,
            };
          }),
        ),
      );
    },
  };
}
