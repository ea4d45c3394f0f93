import type { Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  Message,
  MessageDeletedEvent,
  PresenceUpdatedEvent,
  ReactionEvent,
  ReadUpdatedEvent,
  ServerRemovedEvent,
  ServerToClientEvents,
  TypingEvent,
} from '@chorus/contracts';
import type { ChorusError } from './errors.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'unauthenticated' | 'closed';

export interface SocketOptions {
  /** Gateway or entry point URL; default: the client's base URL (same origin in a browser). */
  url?: string;
  /** Default ['websocket'] (no sticky sessions needed, SPEC 5). */
  transports?: ('websocket' | 'polling')[];
  reconnectionDelayMs?: number;
  reconnectionDelayMaxMs?: number;
  /** Ack timeout for join, leave and send (default 10 s). */
  ackTimeoutMs?: number;
  /** Connect at once (default true). */
  autoConnect?: boolean;
}

export interface ChorusSocketEvents {
  /** Each message once, live or from a catch-up, in id order per channel. */
  'message:created': (message: Message) => void;
  'message:updated': (message: Message) => void;
  'message:deleted': (event: MessageDeletedEvent) => void;
  'typing:start': (event: TypingEvent) => void;
  'server:removed': (event: ServerRemovedEvent) => void;
  /** SPEC 11: a subscribed server's member (with serverId) or a DM partner (without) changed status. */
  'presence:updated': (event: PresenceUpdatedEvent) => void;
  'message:reaction_added': (event: ReactionEvent) => void;
  'message:reaction_removed': (event: ReactionEvent) => void;
  /** The caller's read position moved (on another of their sockets, or by their own PUT). */
  'read:updated': (event: ReadUpdatedEvent) => void;
  state: (state: ConnectionState) => void;
  /** After a reconnect: the channel was rejoined and `count` missed messages were delivered. */
  'caught-up': (event: { channelId: string; count: number }) => void;
  /** After a reconnect the channel could not be joined again (e.g. the user left its server meanwhile). */
  'rejoin-failed': (event: { channelId: string; error: ChorusError }) => void;
}

let nonceCounter = 0;
/** A send nonce: random enough per user and 10-minute window, and available outside secure contexts. */
export const newNonce = (): string =>
  globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${(nonceCounter++).toString(36)}-${Math.random().toString(36).slice(2)}`;
