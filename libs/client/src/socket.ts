import { io, type Socket } from 'socket.io-client';
import {
  ChannelJoinAckSchema,
  ChannelLeaveAckSchema,
  Message,
  MessageDeletedEvent,
  MessageSendAckSchema,
  ReactionEvent,
  ReadUpdatedEvent,
  ServerRemovedEvent,
  TypingEvent,
  type ChannelRef,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@chorus/contracts';
import type { z } from 'zod';
import type { ChorusClient } from './api.js';
import { Emitter } from './emitter.js';
import { ChorusError } from './errors.js';

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

interface Joined {
  serverId?: string;
  /** The highest message id seen in this channel (ids are fixed-length hex, so they compare as strings). */
  lastId?: string;
  /** Recently delivered ids, to drop a live message a catch-up already delivered, or the reverse. */
  recent: Set<string>;
  joinedAt: number;
}

const RECENT_IDS = 1000;
/** Cursor for "everything since this moment": an ObjectId-shaped id of that second, lowest sequence. */
const idAt = (ms: number) =>
  Math.max(0, Math.floor(ms / 1000))
    .toString(16)
    .padStart(8, '0') + '0'.repeat(16);

let nonceCounter = 0;
/** A send nonce: random enough per user and 10-minute window, and available outside secure contexts. */
export const newNonce = (): string =>
  globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${(nonceCounter++).toString(36)}-${Math.random().toString(36).slice(2)}`;

/**
 * A Socket.IO connection that survives: it reconnects by itself (refreshing the access token when the
 * handshake says UNAUTHENTICATED), rejoins its channels, and catches up each one with
 * `after=<last id seen>` pages until `hasMore` is false, delivering every message once, by id.
 * Payloads from the gateway are parsed with the contracts before they are emitted.
 */
export class ChorusSocket extends Emitter<ChorusSocketEvents> {
  readonly raw: ChatSocket;
  private readonly joined = new Map<string, Joined>();
  private everConnected = false;
  private refreshTries = 0;
  private closed = false;
  private stateNow: ConnectionState = 'connecting';
  private readonly ackTimeout: number;

  constructor(
    private readonly client: ChorusClient,
    options: SocketOptions = {},
  ) {
    super();
    this.ackTimeout = options.ackTimeoutMs ?? 10_000;
    const url = options.url ?? client.http.baseUrl;
    const socketOptions = {
      transports: options.transports ?? ['websocket'],
      reconnectionDelay: options.reconnectionDelayMs ?? 500,
      reconnectionDelayMax: options.reconnectionDelayMaxMs ?? 5_000,
      autoConnect: false,
      forceNew: true,
      auth: (cb: (data: object) => void) => {
        void client.http.accessToken().then(
          (token) => cb({ token: token ?? '' }),
          () => cb({ token: '' }),
        );
      },
    };
    this.raw = url ? io(url, socketOptions) : io(socketOptions);
    this.wire();
    if (options.autoConnect ?? true) this.connect();
  }

  get state(): ConnectionState {
    return this.stateNow;
  }

  get connected(): boolean {
    return this.raw.connected;
  }

  connect(): void {
    this.closed = false;
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    this.raw.connect();
  }

  close(): void {
    this.closed = true;
    this.raw.close();
    this.setState('closed');
  }

  /** Resolves once connected (or rejects with the handshake's error). */
  ready(): Promise<void> {
    if (this.raw.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.on('state', (state) => {
        if (state === 'connected') {
          off();
          resolve();
        } else if (state === 'unauthenticated') {
          off();
          reject(new ChorusError('UNAUTHENTICATED', 'The gateway refused the token', 401));
        }
      });
    });
  }

  /**
   * Joins a channel's room (SPEC 5) and remembers it for reconnects. `lastSeenId`: the newest
   * message the caller already has (e.g. from history), where a catch-up after a reconnect starts.
   */
  async join(channelId: string, lastSeenId?: string): Promise<ChannelRef> {
    const entry = this.joined.get(channelId) ?? { recent: new Set<string>(), joinedAt: Date.now() };
    if (lastSeenId) this.markSeen(channelId, lastSeenId, entry);
    this.joined.set(channelId, entry);
    try {
      const channel = await this.joinRoom(channelId);
      entry.serverId = channel.serverId;
      return channel;
    } catch (err) {
      this.joined.delete(channelId);
      throw err;
    }
  }

  async leave(channelId: string): Promise<void> {
    this.joined.delete(channelId);
    if (!this.raw.connected) return;
    const ack = ChannelLeaveAckSchema.parse(
      await this.ack(() => this.raw.timeout(this.ackTimeout).emitWithAck('channel:leave', { channelId })),
    );
    if (!ack.ok) throw ChorusError.fromAck(ack.error);
  }

  /** Records that the caller has `messageId` (so a catch-up starts after it). */
  markSeen(channelId: string, messageId: string, entry = this.joined.get(channelId)): void {
    if (!entry) return;
    if (!entry.lastId || messageId > entry.lastId) entry.lastId = messageId;
  }

  /** Sends a message; resolves with the persisted message once the broker has it (SPEC 5). */
  async send(channelId: string, content: string, nonce: string = newNonce()): Promise<{ message: Message; duplicate: boolean }> {
    const ack = MessageSendAckSchema.parse(
      await this.ack(() => this.raw.timeout(this.ackTimeout).emitWithAck('message:send', { channelId, content, nonce })),
    );
    if (!ack.ok) throw ChorusError.fromAck(ack.error);
    return { message: ack.message, duplicate: ack.duplicate === true };
  }

  typing(channelId: string): void {
    if (this.raw.connected) this.raw.emit('typing:start', { channelId });
  }

  private async joinRoom(channelId: string): Promise<ChannelRef> {
    const ack = ChannelJoinAckSchema.parse(
      await this.ack(() => this.raw.timeout(this.ackTimeout).emitWithAck('channel:join', { channelId })),
    );
    if (!ack.ok) throw ChorusError.fromAck(ack.error);
    return ack.channel;
  }

  private async ack<T>(call: () => Promise<T>): Promise<T> {
    if (!this.raw.connected) throw new ChorusError('UNAVAILABLE', 'Not connected to Chorus', 0);
    try {
      return await call();
    } catch {
      throw new ChorusError('UNAVAILABLE', 'Chorus did not answer in time', 0);
    }
  }

  private setState(state: ConnectionState) {
    if (state === this.stateNow) return;
    this.stateNow = state;
    this.emit('state', state);
  }

  /** Delivers a message once per id; returns false for one already delivered. */
  private deliver(message: Message): boolean {
    const entry = this.joined.get(message.channelId);
    if (entry) {
      if (entry.recent.has(message.id)) return false;
      entry.recent.add(message.id);
      if (entry.recent.size > RECENT_IDS) entry.recent.delete(entry.recent.values().next().value!);
      this.markSeen(message.channelId, message.id, entry);
    }
    this.emit('message:created', message);
    return true;
  }

  private wire() {
    const parse =
      <S extends z.ZodType>(schema: S, handler: (value: z.output<S>) => void) =>
      (raw: unknown) => {
        const parsed = schema.safeParse(raw);
        if (parsed.success) handler(parsed.data);
      };
    const s = this.raw;
    s.on(
      'message:created',
      parse(Message, (m) => void this.deliver(m)),
    );
    s.on(
      'message:updated',
      parse(Message, (m) => this.emit('message:updated', m)),
    );
    s.on(
      'message:deleted',
      parse(MessageDeletedEvent, (e) => this.emit('message:deleted', e)),
    );
    s.on(
      'typing:start',
      parse(TypingEvent, (e) => this.emit('typing:start', e)),
    );
    s.on(
      'message:reaction_added',
      parse(ReactionEvent, (e) => this.emit('message:reaction_added', e)),
    );
    s.on(
      'message:reaction_removed',
      parse(ReactionEvent, (e) => this.emit('message:reaction_removed', e)),
    );
    s.on(
      'read:updated',
      parse(ReadUpdatedEvent, (e) => this.emit('read:updated', e)),
    );
    s.on(
      'server:removed',
      parse(ServerRemovedEvent, (e) => {
        for (const [id, entry] of this.joined) if (entry.serverId === e.serverId) this.joined.delete(id);
        this.emit('server:removed', e);
      }),
    );

    s.on('connect', () => {
      const again = this.everConnected;
      this.everConnected = true;
      this.refreshTries = 0;
      this.setState('connected');
      if (again) void this.rejoinAll();
    });
    s.on('disconnect', (reason) => {
      if (this.closed) return;
      this.setState('reconnecting');
      // The server closed the session (e.g. a gateway draining on SIGTERM): socket.io does not retry that by itself.
      if (reason === 'io server disconnect') setTimeout(() => !this.closed && s.connect(), 200);
    });
    s.on('connect_error', (err) => {
      if (err.message !== 'UNAUTHENTICATED') return this.setState(this.everConnected ? 'reconnecting' : 'connecting');
      // The access token expired while disconnected: rotate it once, then try again.
      if (this.refreshTries++ > 0) return this.setState('unauthenticated');
      this.client.http.refresh(this.client.session?.refreshToken).then(
        () => !this.closed && s.connect(),
        () => this.setState('unauthenticated'),
      );
    });
  }

  /** After a reconnect: rejoin every channel, then deliver what was missed, oldest first. */
  private async rejoinAll() {
    await Promise.all(
      [...this.joined.entries()].map(async ([channelId, entry]) => {
        try {
          await this.joinRoom(channelId);
          const missed = await this.client.messages.since(channelId, entry.lastId ?? idAt(entry.joinedAt - 60_000));
          let count = 0;
          for (const m of missed) if (this.joined.has(channelId) && this.deliver(m)) count++;
          this.emit('caught-up', { channelId, count });
        } catch (err) {
          const error = err instanceof ChorusError ? err : new ChorusError('INTERNAL', (err as Error).message);
          if (error.code === 'NOT_MEMBER' || error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN') this.joined.delete(channelId);
          this.emit('rejoin-failed', { channelId, error });
        }
      }),
    );
  }
}
