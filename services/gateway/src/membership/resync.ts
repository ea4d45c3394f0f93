import { AppError, type AuthzClient, type Logger } from '@chorus/runtime';
import type { Authorizer } from '../channels/authorize.js';
import { leaveChannel } from '../channels/rooms.js';
import type { LocalSockets } from '../socket/registry.js';

export interface ResyncDeps {
  authz: AuthzClient;
  authorizer: Authorizer;
  sockets: LocalSockets;
  logger: Logger;
  concurrency?: number;
}

/**
 * After a broker outage this gateway's membership queue (exclusive, auto-delete) may have missed
 * changes. Drops every cached answer it may hold, then asks membership again for every (user, channel)
 * its sockets joined, removing sockets that are no longer allowed (with `server:removed` when the user
 * lost the server). An unanswered question keeps the socket where it is.
 */
export async function resyncMembership(deps: ResyncDeps): Promise<{ checked: number; removed: number }> {
  const { authz, authorizer, sockets, logger } = deps;
  const pairs = new Map<string, { userId: string; channelId: string; serverId: string | null }>();
  const servers = new Set(authorizer.knownServers());
  for (const socket of sockets.all()) {
    for (const [channelId, serverId] of socket.data.channels) {
      if (serverId !== null) servers.add(serverId);
      pairs.set(`${socket.data.user.id}:${channelId}`, { userId: socket.data.user.id, channelId, serverId });
    }
  }
  for (const serverId of servers) authz.forgetServer(serverId);
  authorizer.bump();

  let removed = 0;
  const told = new Set<string>();
  const queue = [...pairs.values()];
  const worker = async () => {
    for (let pair = queue.shift(); pair; pair = queue.shift()) {
      const { userId, channelId, serverId } = pair;
      try {
        await authorizer.authorize(userId, channelId);
      } catch (err) {
        if (!(err instanceof AppError) || err.code === 'UNAVAILABLE' || err.code === 'INTERNAL') continue;
        for (const socket of sockets.ofUser(userId)) {
          if (!leaveChannel(socket, channelId)) continue;
          removed++;
          if (err.code !== 'NOT_MEMBER' || serverId === null || told.has(`${socket.id}:${serverId}`)) continue;
          told.add(`${socket.id}:${serverId}`);
          socket.emit('server:removed', { serverId });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: deps.concurrency ?? 16 }, worker));
  logger.info({ checked: pairs.size, removed }, 'membership resynchronised after broker reconnect');
  return { checked: pairs.size, removed };
}
