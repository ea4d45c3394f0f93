// Connection hand-off (http/handoff.ts), with real processes: an entry server hands WebSocket upgrades
// to a child over IPC, and from then on the child talks to the client directly.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { handOffUpgrade } from '@chorus/runtime';

const CHILD = fileURLToPath(new URL('./support/handoff-child.ts', import.meta.url));

let child: ChildProcess;
let entry: Server;
let url: string;
let handedOff = 0;
/** Busy-waits this long after each hand-off: an entry too busy to take the child's acknowledgement at once. */
let blockAfterMs = 0;

beforeAll(async () => {
  child = spawn(process.execPath, ['--conditions=@chorus/source', '--import', 'tsx', CHILD], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`child exited (${code})`)));
  });
  entry = createServer((_req, res) => res.end('entry'));
  entry.on('upgrade', (req, socket, head) => {
    if (handOffUpgrade(child, req, socket as never, head)) handedOff++;
    else socket.destroy();
    for (const until = Date.now() + blockAfterMs; Date.now() < until;);
  });
  await new Promise<void>((resolve) => entry.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(entry.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  child?.kill();
  await new Promise<void>((resolve) => (entry ? entry.close(() => resolve()) : resolve()));
});

function open(path: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${url}${path}`, { headers });
  const messages: string[] = [];
  const waiters: Array<(m: string) => void> = [];
  ws.on('message', (data) => {
    const waiter = waiters.shift();
    if (waiter) waiter(String(data));
    else messages.push(String(data));
  });
  const next = () => new Promise<string>((resolve) => (messages.length > 0 ? resolve(messages.shift()!) : waiters.push(resolve)));
  return { ws, next, opened: new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject))) };
}

describe('handOffUpgrade / acceptHandOffs', () => {
  it("the child serves the upgrade on the client's own socket, with the request as sent", async () => {
    const client = open('/socket.io/?EIO=4&transport=websocket', { 'X-Custom': 'caf\u00e9 \u00fcber' });
    await client.opened;
    const hello = JSON.parse(await client.next()) as Record<string, unknown>;
    expect(hello).toEqual({
      pid: child.pid,
      url: '/socket.io/?EIO=4&transport=websocket',
      forwardedFor: '127.0.0.1',
      custom: 'caf\u00e9 \u00fcber',
      // The child's peer is the client itself (a proxy would be a connection of its own).
      peerPort: (client.ws as unknown as { _socket: { localPort: number } })._socket.localPort,
    });
    client.ws.send('ping');
    expect(await client.next()).toBe('echo:ping');
    expect(handedOff).toBe(1);
    client.ws.close();
  });

  it('many clients at once, each served by the child', async () => {
    const clients = Array.from({ length: 20 }, (_v, i) => open(`/socket.io/?n=${i}`));
    await Promise.all(clients.map((c) => c.opened));
    const hellos = await Promise.all(clients.map(async (c) => JSON.parse(await c.next()) as { pid: number; url: string }));
    expect(hellos.map((h) => h.url)).toEqual(clients.map((_c, i) => `/socket.io/?n=${i}`));
    expect(new Set(hellos.map((h) => h.pid))).toEqual(new Set([child.pid]));
    clients.forEach((c) => c.ws.close());
  });

  it('a client that speaks first, while the entry is slow to let go of the socket, loses nothing', async () => {
    // Until the child's acknowledgement is handled, both processes hold the descriptor: the entry must
    // not read (and drop) the client's first frames meanwhile. (The race needs the entry's event loop to
    // wake for the socket before the acknowledgement; this widens the window but does not force it, so
    // the browser suite is where it showed: handoff.ts.)
    blockAfterMs = 300;
    try {
      const clients = Array.from({ length: 5 }, () => {
        const c = open('/socket.io/?first=1');
        void c.opened.then(() => c.ws.send('first'));
        return c;
      });
      for (const c of clients) {
        await c.opened;
        expect(JSON.parse(await c.next())).toMatchObject({ pid: child.pid });
        expect(await c.next()).toBe('echo:first');
        c.ws.close();
      }
    } finally {
      blockAfterMs = 0;
    }
  });

  it('declines a child without an IPC channel, or none (the caller proxies instead)', () => {
    const plain = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
    try {
      expect(handOffUpgrade(plain, {} as never, {} as never, Buffer.alloc(0))).toBe(false);
      expect(handOffUpgrade(undefined, {} as never, {} as never, Buffer.alloc(0))).toBe(false);
    } finally {
      plain.kill();
    }
  });
});
