// The baseline: a plain single-process Socket.IO broadcast server speaking Chorus's socket events, with
// no authentication, no authorization, no rate limit, no persistence, no broker and no Redis adapter.
// It is what "send a message to a room" costs on this machine with Socket.IO alone, so Chorus's figures
// can be read as a ratio to it. Run as its own process (it gets a core, as each gateway does); prints
// `READY <port>` on stdout, exits on SIGTERM/SIGINT or when its parent closes stdin.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { LIMITS, type ClientToServerEvents, type Message, type ServerToClientEvents } from '@chorus/contracts';

const SERVER_ID = 'b'.repeat(24);
const secondsHex = Math.floor(Date.now() / 1000)
  .toString(16)
  .padStart(8, '0');
let sequence = 0n;
/** ObjectId-shaped and increasing, like the gateway's ids (without Redis). */
const nextId = () => secondsHex + (++sequence).toString(16).padStart(16, '0');

const http = createServer();
const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
  transports: ['websocket'],
  maxHttpBufferSize: LIMITS.maxSocketFrameBytes,
  serveClient: false,
});

io.on('connection', (socket) => {
  const auth = socket.handshake.auth as { userId?: unknown; username?: unknown };
  const username = String(auth.username ?? 'anonymous');
  const author = { id: String(auth.userId ?? 'a'.repeat(24)), username, displayName: username, avatarUrl: null };

  socket.on('channel:join', (payload, ack) => {
    void socket.join(payload.channelId);
    ack({ ok: true, channel: { id: payload.channelId, serverId: SERVER_ID, name: payload.channelId } });
  });
  socket.on('channel:leave', (payload, ack) => {
    void socket.leave(payload.channelId);
    ack({ ok: true });
  });
  socket.on('message:send', (payload, ack) => {
    const message: Message = {
      id: nextId(),
      channelId: payload.channelId,
      serverId: SERVER_ID,
      author,
      content: payload.content.trim(),
      ...(payload.nonce ? { nonce: payload.nonce } : {}),
      createdAt: new Date().toISOString(),
      editedAt: null,
      reactions: [],
    };
    io.to(payload.channelId).emit('message:created', message);
    ack({ ok: true, message });
  });
});

http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${(http.address() as AddressInfo).port}\n`);
});

const stop = () => {
  io.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
