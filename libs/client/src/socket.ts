import { io } from 'socket.io-client';
import {
  ChannelJoinAckSchema,
  ChannelLeaveAckSchema,
  MessageSendAckSchema,
  PresenceSetAckSchema,
  PresenceSubscribeAckSchema,
  type ChannelRef,
  type Message,
  type PresenceEntry,
  type PresenceStatus,
} from '@chorus/contracts';
import type { ChorusClient } from './api.js';
import { Emitter } from './emitter.js';
import { AckTimeoutError, ChorusError } from './errors.js';
import { forwardServerEvents } from './socket-events.js';
import { newNonce, type ChatSocket, type ChorusSocketEvents, type ConnectionState, type SocketOptions } from './socket-types.js';

export { newNonce, type ChatSocket, type ChorusSocketEvents, type ConnectionState, type SocketOptions } from './socket-types.js';

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
      if (channel.serverId !== null) entry.serverId = channel.serverId;
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
      await this.ack('channel:leave', () => this.raw.timeout(this.ackTimeout).emitWithAck('channel:leave', { channelId })),
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
      await this.ack('message:send', () => this.raw.timeout(this.ackTimeout).emitWithAck('message:send', { channelId, content, nonce })),
    );
    if (!ack.ok) throw ChorusError.fromAck(ack.error);
    return { message: ack.message, duplicate: ack.duplicate === true };
  }

  /** SPEC 11: online / idle / dnd / invisible (others see invisible as offline). */
  async setPresence(status: PresenceStatus): Promise<void> {
    const ack = PresenceSetAckSchema.parse(
      await this.ack('presence:set', () => this.raw.timeout(this.ackTimeout).emitWithAck('presence:set', { status })),
    );
    if (!ack.ok) throw ChorusError.fromAck(ack.error);
  }

  /** Watches a server's presence: the members not offline now; `presence:updated` events follow. Not renewed after a reconnect: subscribe again on `state` connected. */
  async subscribePresence(serverId: string): Promise<PresenceEntry[]> {
    const ack = PresenceSubscribeAckSchema.parse(
      await this.ack('presence:subscribe', () => this.raw.timeout(this.ackTimeout).emitWithAck('presence:subscribe', { serverId })),
    );
    if (!ack.ok) throw ChorusError.fromAck(ack.error);
    return ack.presences;
  }

  unsubscribePresence(serverId: string): void {
    if (this.raw.connected) this.raw.emit('presence:unsubscribe', { serverId }, () => undefined);
  }

  typing(channelId: string): void {
    if (this.raw.connected) this.raw.emit('typing:start', { channelId });
  }

  private async joinRoom(channelId: string): Promise<ChannelRef> {
    const ack = ChannelJoinAckSchema.parse(
      await this.ack('channel:join', () => this.raw.timeout(this.ackTimeout).emitWithAck('channel:join', { channelId })),
    );
    if (!ack.ok) throw ChorusError.fromAck(ack.error);
    return ack.channel;
  }

  private async ack<T>(event: string, call: () => Promise<T>): Promise<T> {
    if (!this.raw.connected) throw new ChorusError('UNAVAILABLE', 'Not connected to Chorus', 0);
    try {
      return await call();
    } catch {
      throw new AckTimeoutError(event);
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
    const s = this.raw;
    forwardServerEvents(s, {
      emit: (event, ...args) => this.emit(event, ...args),
      deliver: (m) => void this.deliver(m),
      serverRemoved: (serverId) => {
        for (const [id, entry] of this.joined) if (entry.serverId === serverId) this.joined.delete(id);
      },
    });

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
