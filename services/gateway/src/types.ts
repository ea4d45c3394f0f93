import type { Server, Socket } from 'socket.io';
import type { AuthenticatedUser, ClientToServerEvents, ServerToClientEvents } from '@chorus/contracts';

/** Gateways talk to each other only through the adapter's own protocol; no custom inter-server events. */
export type InterServerEvents = Record<string, never>;

/** What the gateway keeps on each socket. Local to this process (never fetched across the fleet). */
export interface SocketData {
  user: AuthenticatedUser;
  /** Channels this socket joined: channelId → serverId (to leave every room of a server at once). */
  channels: Map<string, string>;
}

export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The room of a channel, on every gateway. */
export const channelRoom = (channelId: string): string => `channel:${channelId}`;

/** A user's own room: every socket of that user, on every gateway, joins it at connect (SPEC 10, 13). */
export const userRoom = (userId: string): string => `user:${userId}`;
