import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { ClientToServerEvents, Message, MessageSendAck, ServerToClientEvents } from '../src/index.js';

/** The event maps type-check a real socket.io Server and socket.io-client socket, and carry real traffic. */
describe('socket event maps', () => {
  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http);
  let client: ClientSocket<ServerToClientEvents, ClientToServerEvents>;

  beforeAll(async () => {
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const { port } = http.address() as AddressInfo;
    io.on('connection', (socket) => {
      socket.on('message:send', (payload, ack) => {
        expectTypeOf(payload.channelId).toEqualTypeOf<string>();
        expectTypeOf(ack).parameter(0).toEqualTypeOf<MessageSendAck>();
        ack({ ok: false, error: { code: 'NOT_MEMBER', message: `not a member of ${payload.channelId}` } });
      });
      // @ts-expect-error unknown events are not in the map
      socket.emit('message:exploded', {});
    });
    client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    await new Promise<void>((r) => client.on('connect', () => r()));
  });

  afterAll(async () => {
    client.close();
    await io.close();
  });

  it('types acks on both sides and delivers them', async () => {
    const ack = await client.emitWithAck('message:send', { channelId: 'c'.repeat(24), content: 'hi' });
    expectTypeOf(ack).toEqualTypeOf<MessageSendAck>();
    expect(ack).toEqual({ ok: false, error: { code: 'NOT_MEMBER', message: `not a member of ${'c'.repeat(24)}` } });
  });

  it('types server-to-client events', () => {
    client.on('message:created', (m) => expectTypeOf(m).toEqualTypeOf<Message>());
    client.on('server:removed', (e) => expectTypeOf(e.serverId).toEqualTypeOf<string>());
    // @ts-expect-error typing:start carries a channelId object, not a string
    client.emit('typing:start', 'channel');
    expect(true).toBe(true);
  });
});
