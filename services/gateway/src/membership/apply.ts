import type { AnyEnvelope } from '@chorus/contracts';
import type { AuthzClient, Logger } from '@chorus/runtime';
import type { Authorizer } from '../channels/authorize.js';
import { leaveChannel, leaveServer } from '../channels/rooms.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { LocalSockets } from '../socket/registry.js';
import { applyPermissionEvent } from './permissions.js';
import { presenceRoom, type GatewaySocket } from '../types.js';

export interface MembershipDeps {
  authz: AuthzClient;
  authorizer: Authorizer;
  sockets: LocalSockets;
  logger: Logger;
  /** Presence follows membership for the users this gateway holds (absent in tests of membership alone). */
  presence?: PresenceStore;
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
      const { serverId, userId } = envelope.payload;
      authz.forgetPending(userId);
      // The user's sockets here may now watch the server's presence, and the server's subscribers see the new member.
      const local = sockets.ofUser(userId);
      for (const socket of local) socket.data.servers.add(serverId);
      if (local.length > 0) presenceFollows(deps, () => deps.presence?.joined(userId, serverId));
      return;
    }
    case 'user.updated': {
      const { userId, displayName, avatarUrl } = envelope.payload;
      for (const socket of sockets.ofUser(userId)) socket.data.profile = { displayName, avatarUrl };
      return;
    }
    case 'member.left': {
      const { serverId, userId } = envelope.payload;
      authz.forgetMember(userId, serverId);
      authorizer.bump();
      const affected = sockets.ofUser(userId);
      for (const socket of affected) removeFromServer(socket, serverId);
      if (affected.length > 0) presenceFollows(deps, () => deps.presence?.left(userId, serverId));
      logger.info({ type: envelope.type, eventId: envelope.id, serverId, userId, sockets: affected.length }, 'member left');
      return;
    }
    case 'server.deleted': {
      const { serverId, channelIds, memberIds } = envelope.payload;
      authz.forgetServer(serverId);
      authorizer.bump();
      const affected = new Set<GatewaySocket>();
      for (const userId of memberIds) {
        const local = sockets.ofUser(userId);
        for (const s of local) affected.add(s);
        if (local.length > 0) presenceFollows(deps, () => deps.presence?.left(userId, serverId));
      }
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
      if (applyPermissionEvent(envelope, deps)) return;
      logger.warn({ type: envelope.type, eventId: envelope.id }, 'membership queue got an event it does not handle; ignored');
  }
}

/** Presence is best effort beside membership: a failed update is logged, never fails the event. */
function presenceFollows(deps: MembershipDeps, update: () => Promise<void> | undefined): void {
  update()?.catch((err: unknown) => deps.logger.warn({ err }, 'presence did not follow a membership change'));
}

function removeFromServer(socket: GatewaySocket, serverId: string, channelIds: readonly string[] = []): void {
  leaveServer(socket, serverId, channelIds);
  socket.data.servers.delete(serverId);
  void socket.leave(presenceRoom(serverId));
  socket.emit('server:removed', { serverId });
}
