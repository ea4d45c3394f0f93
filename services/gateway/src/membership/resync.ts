import { AppError, type AuthzClient, type Logger } from '@chorus/runtime';
import { NEEDS, type Authorizer } from '../channels/authorize.js';
import { leaveChannel } from '../channels/rooms.js';
import type { LocalSockets } from '../socket/registry.js';

export interface ResyncDeps {
  authz: AuthzClient;
  authorizer: Authorizer;
  sockets: LocalSockets;
  logger: Logger;
  concurrency?: number;
}

/** A channel some socket of this gateway joined, and who joined it. */
export interface JoinedPair {
  userId: string;
  channelId: string;
  serverId: string | null;
}

/**
 * After a broker outage this gateway's membership queue (exclusive, auto-delete) may have missed
 * changes. Drops every cached answer it may hold, then asks membership again for every (user, channel)
 * its sockets joined, removing sockets that are no longer allowed (with `server:removed` when the user
 * lost the server). An unanswered question keeps the socket where it is.
 */
export async function resyncMembership(deps: ResyncDeps): Promise<{ checked: number; removed: number }> {
  const { authz, authorizer, sockets, logger } = deps;
  const servers = new Set(authorizer.knownServers());
  for (const socket of sockets.all()) for (const serverId of socket.data.channels.values()) if (serverId !== null) servers.add(serverId);
  for (const serverId of servers) authz.forgetServer(serverId);
  authorizer.bump();
  const outcome = await recheckJoined(deps, () => true);
  logger.info(outcome, 'membership resynchronised after broker reconnect');
  return outcome;
}

/**
 * Asks membership again (the caller dropped the cached answers) for the joined (user, channel) pairs
 * `select` picks, and takes this gateway's sockets out of the rooms they may no longer read: no longer a
 * member (then also `server:removed`), or no READ_HISTORY there any more (SPEC 15). One question per
 * pair, `concurrency` at a time; an unanswered question keeps the socket where it is.
 */
export async function recheckJoined(
  deps: ResyncDeps,
  select: (pair: JoinedPair) => boolean,
): Promise<{ checked: number; removed: number }> {
  const { authorizer, sockets } = deps;
  const pairs = new Map<string, JoinedPair>();
  for (const socket of sockets.all()) {
    for (const [channelId, serverId] of socket.data.channels) {
      const pair = { userId: socket.data.user.id, channelId, serverId };
      if (select(pair)) pairs.set(`${pair.userId}:${channelId}`, pair);
    }
  }
  let removed = 0;
  const told = new Set<string>();
  const queue = [...pairs.values()];
  const worker = async () => {
    for (let pair = queue.shift(); pair; pair = queue.shift()) {
      const { userId, channelId, serverId } = pair;
      try {
        await authorizer.authorize(userId, channelId, NEEDS.read);
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
  return { checked: pairs.size, removed };
}
