// The raw Socket.IO/REST user of test/e2e/people.test.ts (kept from before the e2e moved to @chorus/client: that
// test drives presence and DM acks at the wire level; porting it to Person is left for a follow-up).
import { io, type Socket } from 'socket.io-client';
import type { AuthResponse, ClientToServerEvents, Message, ServerToClientEvents } from '@chorus/contracts';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A person using Chorus as a client app would: REST through the entry point, Socket.IO to a gateway. */
export class User {
  readonly received: Message[] = [];
  socket?: ChatSocket;
  auth!: AuthResponse;

  constructor(
    readonly baseUrl: string,
    readonly username: string,
  ) {}

  get id(): string {
    return this.auth.user.id;
  }

  async register(password = 'correct horse battery'): Promise<this> {
    const res = await this.api('POST', '/api/auth/register', { username: this.username, password }, false);
    if (res.status !== 201) throw new Error(`register ${this.username}: ${res.status} ${JSON.stringify(res.body)}`);
    this.auth = res.body as AuthResponse;
    return this;
  }

  async api(method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth) headers.authorization = `Bearer ${this.auth.accessToken}`;
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Connects (WebSocket transport) to `url`, recording every `message:created` it receives. */
  async connect(url: string, options: { reconnection?: boolean } = {}): Promise<ChatSocket> {
    const socket: ChatSocket = io(url, {
      auth: { token: this.auth.accessToken },
      transports: ['websocket'],
      reconnection: options.reconnection ?? false,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      forceNew: true,
    });
    socket.on('message:created', (m) => this.received.push(m));
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    return socket;
  }

  async join(channelId: string) {
    const ack = await this.socket!.timeout(5_000).emitWithAck('channel:join', { channelId });
    if (!ack.ok) throw new Error(`join ${channelId}: ${JSON.stringify(ack.error)}`);
    return ack;
  }

  send(channelId: string, content: string, nonce?: string) {
    return this.socket!.timeout(5_000).emitWithAck('message:send', { channelId, content, ...(nonce ? { nonce } : {}) });
  }

  close() {
    this.socket?.close();
  }
}
