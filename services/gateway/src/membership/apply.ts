import type { AnyEnvelope } from '@chorus/contracts';
import type { AuthzClient, Logger } from '@chorus/runtime';
import type { Authorizer } from '../channels/authorize.js';
import { leaveChannel, leaveServer } from '../channels/rooms.js';
import type { LocalSockets } from '../socket/registry.js';
import type { GatewaySocket } from '../types.js';

export interface MembershipDeps {
  authz: AuthzClient;
  authorizer: Authorizer;
  sockets: LocalSockets;
  logger: Logger;
}

/**
 * Applies one membership change to THIS gateway: drops cached authorization answers, takes this
 * gateway's own sockets out of the rooms concerned and tells their users `server:removed`. Every
 * gateway receives every change on its own queue, so together they apply it fleet-wide.
 */
export function applyMembershipEvent(envelope: AnyEnvelope, deps: MembershipDeps): void {
  const { authz, authorizer, sockets, logger } = deps;
  switch (envelope.type) {
    case 'member.joined': {
      // Only positive answers are cached, so nothing cached is wrong now; but a question of this user
      // still in flight was asked before the join: a join or send from now on must not share its answer.
      authz.forgetPending(envelope.payload.userId);
      return;
    }
    case 'member.left': {
      const { serverId, userId } = envelope.payload;
      authz.forgetMember(userId, serverId);
      authorizer.bump();
      const affected = sockets.ofUser(userId);
      for (const socket of affected) removeFromServer(socket, serverId);
      logger.info({ type: envelope.type, eventId: envelope.id, serverId, userId, sockets: affected.length }, 'member left');
      return;
    }
    case 'server.deleted': {
      const { serverId, channelIds, memberIds } = envelope.payload;
      authz.forgetServer(serverId);
      authorizer.bump();
      const affected = new Set<GatewaySocket>();
      for (const userId of memberIds) for (const s of sockets.ofUser(userId)) affected.add(s);
      for (const channelId of channelIds) for (const s of sockets.inChannel(channelId)) affected.add(s);
      for (const socket of affected) removeFromServer(socket, serverId, channelIds);
      logger.info({ type: envelope.type, eventId: envelope.id, serverId, sockets: affected.size }, 'server deleted');
      return;
    }
    case 'channel.deleted': {
      const { channelId, serverId } = envelope.payload;
      authz.forgetChannel(channelId);
      authorizer.bump();
      const affected = sockets.inChannel(channelId);
      for (const socket of affected) leaveChannel(socket, channelId);
      logger.info({ type: envelope.type, eventId: envelope.id, serverId, channelId, sockets: affected.length }, 'channel deleted');
      return;
    }
    default:
      logger.warn({ type: envelope.type, eventId: envelope.id }, 'membership queue got an event it does not handle; ignored');
  }
}

function removeFromServer(socket: GatewaySocket, serverId: string, channelIds: readonly string[] = []): void {
  leaveServer(socket, serverId, channelIds);
  socket.emit('server:removed', { serverId });
}
