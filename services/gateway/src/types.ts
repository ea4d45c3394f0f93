import type { Server, Socket } from 'socket.io';
import type { AuthenticatedUser, AuthzProfile, ClientToServerEvents, ServerToClientEvents } from '@chorus/contracts';

/** Gateways talk to each other only through the adapter's own protocol; no custom inter-server events. */
export type InterServerEvents = Record<string, never>;

/** What the gateway keeps on each socket. Local to this process (never fetched across the fleet). */
export interface SocketData {
  user: AuthenticatedUser;
  /** Channels this socket joined: channelId → serverId, null for a DM (to leave every room of a server at once). */
  channels: Map<string, string | null>;
  /** The user's display name and avatar, stamped on their messages (from membership at the handshake; `user.updated` keeps it current). */
  profile: AuthzProfile;
  /** The user's servers (membership at the handshake, then `member.*`): where presence is announced and may be subscribed. */
  servers: Set<string>;
}

export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * The room of a channel, on every gateway. Room names carry their id's hash tag (`{<id>}`), so the
 * adapter's shard channel of a room is in the slot of that id's keys on a Redis Cluster (redis-keys.ts).
 */
export const channelRoom = (channelId: string): string => `channel:{${channelId}}`;

/** A user's own room: every socket of that user, on every gateway, joins it at connect (SPEC 10, 13). */
export const userRoom = (userId: string): string => `user:{${userId}}`;
/** The sockets that subscribed to a server's presence (SPEC 11). */
export const presenceRoom = (serverId: string): string => `presence:{${serverId}}`;
