import type { GatewayServer } from '../types.js';

/** How long the write buffers of closing connections may take to flush before the rest is closed anyway. */
const FLUSH_WAIT_MS = 2_000;

/**
 * Closes each connection's transport once its write buffer is flushed (acks of the sends that just
 * finished are still queued there; io.close() alone would discard them). No disconnect packet is sent, so
 * socket.io-client sees "transport close" and reconnects, to another gateway. Then the rest (handshakes in
 * progress), the adapter's subscriptions and the HTTP server.
 */
export async function disconnectAll(io: GatewayServer): Promise<void> {
  const flushed = [...io.of('/').sockets.values()].map(
    (socket) =>
      new Promise<void>((resolve) => {
        socket.conn.once('close', () => resolve());
        socket.conn.close();
      }),
  );
  await Promise.race([Promise.all(flushed), new Promise((resolve) => setTimeout(resolve, FLUSH_WAIT_MS).unref())]);
  await new Promise<void>((resolve) => {
    void io.close(() => resolve());
  });
}
