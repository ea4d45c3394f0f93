import type { ChildProcess } from 'node:child_process';
import type { IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';
import { z } from 'zod';

/**
 * Connection hand-off from a local entry proxy to the service process that serves it (`npm start`'s
 * edge → a gateway): the edge reads a WebSocket upgrade request, picks the gateway, and passes the
 * client's TCP socket itself to that child over the IPC channel, with the bytes it already read. From
 * then on the gateway talks to the client directly and the edge is out of the path; proxying instead
 * costs the edge a read and a write per frame in both directions (measured: ~10% of a core at 1,000
 * sends/s over 100 sockets, and its event loop's delay in every delivery).
 *
 * Why our own ~40 lines: `@socket.io/sticky` does this for `cluster` workers, handing off every
 * connection by the engine.io `sid` in its first chunk; here only WebSocket upgrades of `/socket.io/`
 * move (REST, the web client and long-polling stay proxied on the same port) and the children are
 * spawned services, not cluster workers. It is the same mechanism (`child.send(message, socket)`, then
 * `server.emit('connection')` and the first bytes replayed as `data`).
 */
const HANDOFF_TYPE = 'chorus:connection';
/** What a hand-off carries besides the socket: the request as read so far (latin1, byte for byte). */
const HandOffMessage = z.object({ type: z.literal(HANDOFF_TYPE), head: z.string().max(64 * 1024) });

/**
 * The request line and headers as the client sent them (Node keeps header bytes as latin1 strings), with
 * `extraHeaders` added, then whatever was read past them.
 */
function rawRequestBytes(req: IncomingMessage, head: Buffer, extraHeaders: Record<string, string> = {}): Buffer {
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  for (const [name, value] of Object.entries(extraHeaders)) lines.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]);
}

/**
 * Edge side: gives the socket of an upgrade request to `child`. False when the child has no IPC channel
 * (or it closed): the caller proxies instead. A socket the child could not take is destroyed (the client
 * reconnects, as after any gateway failure).
 */
export function handOffUpgrade(child: ChildProcess | undefined, req: IncomingMessage, socket: Socket, head: Buffer): boolean {
  if (!child?.connected || child.exitCode !== null || child.signalCode !== null) return false;
  const forwarded = { 'X-Forwarded-For': socket.remoteAddress ?? '', 'X-Forwarded-Proto': 'http' };
  const message = { type: HANDOFF_TYPE, head: rawRequestBytes(req, head, forwarded).toString('latin1') };
  // Until the child acknowledges the handle, both processes hold the descriptor, and this one's handle
  // would go on reading: bytes it read (the client's first frames, sent as soon as the child answered
  // the upgrade) would be dropped with it. `pause()` does not stop a plain socket's handle reading, so
  // stop it at the source (libuv readStop). Seen in the browser suite before this line: about one run
  // in five, a gateway answered the upgrade and never received the client's socket.io CONNECT (logged
  // on the gateway: 101 and OPEN written, no byte read), and the client waited out the 10 s connect
  // timeout; with it, 0 in 20 runs.
  socket.pause();
  (socket as unknown as { _handle?: { readStop?: () => number } })._handle?.readStop?.();
  child.send(message, socket, { keepOpen: false }, (err) => {
    if (err) socket.destroy();
  });
  return true;
}

/**
 * Service side: serves the sockets the parent hands over as if `server` had accepted them. (The
 * listener keeps the IPC channel holding the event loop; services exit explicitly on shutdown.)
 */
export function acceptHandOffs(server: Server): void {
  const onMessage = (message: unknown, handle: unknown) => {
    const parsed = HandOffMessage.safeParse(message);
    if (!parsed.success || !(handle instanceof Socket)) return;
    if (!server.listening) return void handle.destroy();
    server.emit('connection', handle);
    handle.emit('data', Buffer.from(parsed.data.head, 'latin1'));
    handle.resume();
  };
  process.on('message', onMessage);
}
