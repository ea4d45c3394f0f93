import { ChorusClient, type ChorusSocket, type ChorusSocketEvents } from '@chorus/client';
import type { Message } from '@chorus/contracts';

/**
 * A person using Chorus through `@chorus/client`, as an app would: REST through the entry point, a
 * `ChorusSocket` to a gateway (or the entry point), every delivered message recorded in `received`.
 */
export class Person {
  readonly client: ChorusClient;
  readonly received: Message[] = [];
  socket?: ChorusSocket;
  /**
   * HTTP status of this person's latest REST response. The client resolves with parsed bodies; the
   * tests also hold the SPEC's status codes (201 on create, 204 on delete), seen through its `fetch` option.
   */
  lastStatus = 0;

  constructor(
    baseUrl: string,
    readonly username: string,
  ) {
    this.client = new ChorusClient({
      baseUrl,
      fetch: async (...args) => {
        const res = await fetch(...args);
        this.lastStatus = res.status;
        return res;
      },
    });
  }

  get id(): string {
    return this.client.session!.user.id;
  }

  async register(password = 'correct horse battery'): Promise<this> {
    await this.client.auth.register({ username: this.username, password });
    return this;
  }

  /** Connects (WebSocket; reconnects, rejoins and catches up by itself) and waits for the handshake. */
  async connect(url: string): Promise<ChorusSocket> {
    const socket = this.client.connect({ url, reconnectionDelayMs: 100, reconnectionDelayMaxMs: 500, ackTimeoutMs: 5_000 });
    socket.on('message:created', (m) => this.received.push(m));
    this.socket = socket;
    await socket.ready();
    return socket;
  }

  close(): void {
    this.socket?.close();
  }
}

/** Resolves with the first `event` payload the socket emits that matches `match`. */
export function next<K extends 'message:updated' | 'message:deleted' | 'server:removed'>(
  socket: ChorusSocket,
  event: K,
  match: (value: Parameters<ChorusSocketEvents[K]>[0]) => boolean = () => true,
): Promise<Parameters<ChorusSocketEvents[K]>[0]> {
  return new Promise((resolve) => {
    const off = socket.on(event, ((value: Parameters<ChorusSocketEvents[K]>[0]) => {
      if (!match(value)) return;
      off();
      resolve(value);
    }) as ChorusSocketEvents[K]);
  });
}
