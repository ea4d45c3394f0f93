// A service stand-in for handoff.test.ts: an HTTP server that serves handed-off sockets (acceptHandOffs)
// with a WebSocket server on it, answering each connection with who it is and what it was sent.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { acceptHandOffs } from '@chorus/runtime';

const server = createServer((_req, res) => res.end('plain http'));
const wss = new WebSocketServer({ server });
wss.on('connection', (ws, req) => {
  ws.send(
    JSON.stringify({
      pid: process.pid,
      url: req.url,
      forwardedFor: req.headers['x-forwarded-for'],
      custom: req.headers['x-custom'],
      peerPort: req.socket.remotePort,
    }),
  );
  ws.on('message', (data) => ws.send(`echo:${String(data)}`));
});
acceptHandOffs(server);
server.listen(0, '127.0.0.1', () => process.send?.('ready'));
