import { io } from 'socket.io-client';
import { AckTimeoutError, isChorusError, type ChatSocket, type ChorusClient } from '@chorus/client';
import type { Message } from '@chorus/contracts';

/**
 * One simulated person's connection, as the workload drives it. Two kinds:
 * - `rawSocket`: a plain socket.io-client connection (typed by `@chorus/client`'s `ChatSocket`). The
 *   workload uses it for both targets, so the load generator pays the same per event against Chorus
 *   and against the baseline; the token comes from the user's `ChorusClient` session.
 * - `clientSocket`: `@chorus/client`'s `ChorusSocket` (contract parsing of every ack and delivery,
 *   dedupe by id, reconnect). `npm run bench -- --client-overhead` runs the default workload once
 *   more through it, in the same run, and reports the ratio (bench/README.md).
 */
export interface LoadSocket {
  join(channelId: string): Promise<void>;
  /** Open loop: `done` gets null on an ok ack, else an error code (ACK_TIMEOUT when no ack came). */
  send(payload: { channelId: string; content: string; nonce: string }, done: (code: string | null) => void): void;
  onMessage(handler: (message: Message) => void): void;
  onDisconnect(handler: (reason: string) => void): void;
  close(): void;
}

/** Connects (acks time out after `ackTimeoutMs`). */
export type Connect = (ackTimeoutMs: number) => Promise<LoadSocket>;

/** Plain socket.io-client; `auth` is the handshake (a Chorus token, or the baseline's unverified id and name). */
export function rawSocket(url: string, auth: () => Promise<object>): Connect {
  return async (ackTimeoutMs) => {
    const handshake = await auth();
    const socket: ChatSocket = io(url, { transports: ['websocket'], auth: handshake, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => {
        socket.close();
        reject(new Error(`connect to ${url}: ${err.message}`));
      });
    });
    let closing = false;
    return {
      join: async (channelId) => {
        const ack = await socket.timeout(ackTimeoutMs).emitWithAck('channel:join', { channelId });
        if (!ack.ok) throw new Error(`channel:join ${channelId}: ${ack.error.code} ${ack.error.message}`);
      },
      send: (payload, done) =>
        socket
          .timeout(ackTimeoutMs)
          .emit('message:send', payload, (err, ack) => done(err ? 'ACK_TIMEOUT' : ack.ok ? null : ack.error.code)),
      onMessage: (handler) => void socket.on('message:created', handler),
      onDisconnect: (handler) => void socket.on('disconnect', (reason) => !closing && handler(reason)),
      close: () => {
        closing = true;
        socket.disconnect();
      },
    };
  };
}

/** Chorus's own client socket (`ChorusClient.connect`), straight to one gateway. */
export function clientSocket(client: ChorusClient, url: string): Connect {
  return async (ackTimeoutMs) => {
    const socket = client.connect({ url, ackTimeoutMs });
    await socket.ready();
    let closing = false;
    return {
      join: async (channelId) => void (await socket.join(channelId)),
      send: (payload, done) =>
        socket.send(payload.channelId, payload.content, payload.nonce).then(
          () => done(null),
          (err: unknown) => done(err instanceof AckTimeoutError ? 'ACK_TIMEOUT' : isChorusError(err) ? err.code : 'INTERNAL'),
        ),
      onMessage: (handler) => void socket.on('message:created', handler),
      onDisconnect: (handler) => void socket.on('state', (state) => !closing && state === 'reconnecting' && handler(state)),
      close: () => {
        closing = true;
        socket.close();
      },
    };
  };
}
