import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { LIMITS, MessageSendAckSchema } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import {
  closeClients,
  connectClient,
  connectError,
  record,
  request,
  startGateway,
  type Client,
  type RunningGateway,
} from './support/gateway-harness.js';
import { newUser, signToken, startAuthzStandIn, type AuthzStandIn, type TestUser } from './support/stand-ins.js';

/** Hostile clients against one gateway (real Redis and RabbitMQ, STAND-IN membership authz responder). */
const iso = isolated('gw-hostile');
let gw: RunningGateway;
let authz: AuthzStandIn;
let ada: TestUser;
let bob: TestUser;
let channelId: string;
let adaClient: Client;
let bobClient: Client;

beforeAll(async () => {
  authz = await startAuthzStandIn(iso);
  gw = await startGateway(iso, 'hostile', { SEND_RATE_LIMIT: 1_000 });
  ada = newUser('ada');
  bob = newUser('bob');
  const server = authz.directory.addServer(ada);
  authz.directory.join(server.serverId, bob);
  channelId = server.channelIds[0]!;
  adaClient = await connectClient(gw.url, signToken(iso, ada));
  bobClient = await connectClient(gw.url, signToken(iso, bob));
  expect(await request(bobClient, 'channel:join', { channelId })).toMatchObject({ ok: true });
});

afterAll(async () => {
  closeClients();
  await gw?.stop();
  await authz?.stop();
  await iso.cleanup();
});

/** The gateway is up and other users are unaffected: ada's send reaches bob. */
async function othersUnaffected(): Promise<void> {
  const seen = record(bobClient, 'message:created');
  const content = `still fine ${Math.random()}`;
  const ack = MessageSendAckSchema.parse(await request(adaClient, 'message:send', { channelId, content }));
  expect(ack.ok).toBe(true);
  await waitFor(() => seen.some((m) => m.content === content), 'bob receives ada’s message');
  expect(adaClient.connected && bobClient.connected).toBe(true);
}

describe('handshake', () => {
  const user = newUser('eve');
  const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cases: Array<[string, () => Record<string, unknown> | undefined]> = [
    ['no auth at all', () => undefined],
    ['an empty token', () => ({ token: '' })],
    ['a token that is not a string', () => ({ token: { sub: user.id } })],
    ['garbage', () => ({ token: 'not.a.jwt' })],
    ['a huge token', () => ({ token: 'a'.repeat(10_000) })],
    ['an expired token', () => ({ token: signToken(iso, user, { expiresIn: -60 }) })],
    ['a token signed by another key', () => ({ token: signToken(iso, user, { key: otherKey }) })],
    ['another issuer', () => ({ token: signToken(iso, user, { issuer: 'mallory' }) })],
    ['another audience', () => ({ token: signToken(iso, user, { audience: 'elsewhere' }) })],
    [
      'alg none',
      () => ({ token: jwt.sign({ name: 'eve', sub: user.id, iss: 'chorus-membership', aud: 'chorus' }, '', { algorithm: 'none' }) }),
    ],
    [
      'HS256 keyed with the public key',
      () => ({
        token: jwt.sign({ name: 'eve' }, iso.keys.publicKey, {
          algorithm: 'HS256',
          subject: user.id,
          issuer: 'chorus-membership',
          audience: 'chorus',
        }),
      }),
    ],
    [
      'RS256 from a foreign key',
      () => ({
        token: jwt.sign({ name: 'eve' }, rsaKey, { algorithm: 'RS256', subject: user.id, issuer: 'chorus-membership', audience: 'chorus' }),
      }),
    ],
    ['a subject that is not an id', () => ({ token: signToken(iso, { id: 'admin', username: 'eve' }) })],
  ];
  it.each(cases)('refuses %s with connect_error UNAUTHENTICATED', async (_what, auth) => {
    const err = await connectError(gw.url, auth());
    expect(err.message).toBe('UNAUTHENTICATED');
  });

  it('accepts a valid token over long-polling too, with a session id naming this gateway', async () => {
    const client = await connectClient(gw.url, signToken(iso, user), { transports: ['polling'] });
    const sid = (client.io.engine as unknown as { id: string }).id;
    expect(sid.startsWith(`${gw.id}.`)).toBe(true);
    client.disconnect();
  });
});

describe('malformed events', () => {
  const invalid: Array<[string, unknown[]]> = [
    ['no payload', []],
    ['null', [null]],
    ['a number', [42]],
    ['an array', [[channelIdPlaceholder()]]],
    ['a channelId that is not an id', [{ channelId: 'general', content: 'hi' }]],
    ['content of the wrong type', [{ channelId: '0123456789abcdef01234567', content: 12 }]],
    ['blank content', [{ channelId: '0123456789abcdef01234567', content: ' \n\t ' }]],
    ['content over 2000 characters', [{ channelId: '0123456789abcdef01234567', content: 'x'.repeat(2_001) }]],
    ['a huge string (still under the frame limit)', [{ channelId: '0123456789abcdef01234567', content: 'é'.repeat(7_000) }]],
    ['a nonce over 64 characters', [{ channelId: '0123456789abcdef01234567', content: 'hi', nonce: 'n'.repeat(65) }]],
    ['an unknown field', [{ channelId: '0123456789abcdef01234567', content: 'hi', admin: true }]],
  ];
  it.each(invalid)('message:send with %s gets VALIDATION_FAILED', async (_what, args) => {
    const ack = (await request(adaClient, 'message:send', ...args)) as { ok: boolean; error?: { code: string; details?: unknown } };
    expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(Array.isArray(ack.error?.details)).toBe(true);
  });

  it('channel:join and channel:leave validate their payloads too', async () => {
    expect(await request(adaClient, 'channel:join', { channelId: 'x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await request(adaClient, 'channel:join', 'channel:1')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await request(adaClient, 'channel:leave', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    await othersUnaffected();
  });

  it('events without an ack callback, with junk, or unknown, are dropped or answered, never fatal', async () => {
    const bobSaw = record(bobClient, 'message:created');
    (adaClient as unknown as { emit(...a: unknown[]): void }).emit('message:send', { channelId, content: 'no ack at all' });
    (adaClient as unknown as { emit(...a: unknown[]): void }).emit('channel:join', 'junk');
    (adaClient as unknown as { emit(...a: unknown[]): void }).emit('typing:start', { channelId: 5 }, 'extra', { more: true });
    (adaClient as unknown as { emit(...a: unknown[]): void }).emit('admin:shutdown', { now: true });
    expect(await request(adaClient, 'admin:shutdown', {})).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: 'Unknown event' },
    });
    await othersUnaffected();
    // a send without an ack is refused (its outcome could not be reported): it was never broadcast
    expect(bobSaw.map((m) => m.content).filter((c) => c.startsWith('no ack'))).toEqual([]);
  });

  it('a flood of events on one connection is cut off there (RATE_LIMITED), not for others', async () => {
    const flooder = await connectClient(gw.url, signToken(iso, newUser('flood')));
    const acks = await Promise.all(Array.from({ length: 150 }, () => request(flooder, 'channel:leave', { channelId })));
    const limited = acks.filter((a) => (a as { ok: boolean; error?: { code: string } }).error?.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(0);
    expect(acks.length - limited.length).toBeGreaterThanOrEqual(60);
    await othersUnaffected();
  });
});

describe('oversized and broken frames', () => {
  it('a 1 MB frame closes only that connection; the gateway stays up', async () => {
    const big = await connectClient(gw.url, signToken(iso, newUser('big')));
    const closed = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
    big.emit('message:send', { channelId, content: 'x'.repeat(1024 * 1024) }, () => undefined);
    expect(await closed).toMatch(/transport (close|error)/);
    await othersUnaffected();
  });

  it('a 1 MB long-polling POST is refused; the gateway stays up', async () => {
    const client = await connectClient(gw.url, signToken(iso, newUser('poll')), { transports: ['polling'] });
    const sid = (client.io.engine as unknown as { id: string }).id;
    const res = await fetch(`${gw.url}/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: `42["message:send",{"content":"${'x'.repeat(LIMITS.maxSocketFrameBytes * 64)}"}]`,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    client.disconnect();
    await othersUnaffected();
  });

  it('raw websocket garbage and broken socket.io packets close only that connection', async () => {
    const port = new URL(gw.url).port;
    for (const frames of [
      ['not a packet'],
      ['40', '42["message:send",{"channelId":'],
      ['40', '4' + '9'.repeat(500)],
      [Buffer.from([0xff, 0x00, 0x13])],
    ]) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      for (const f of frames) ws.send(f);
      ws.send('40' + JSON.stringify({ token: 'forged' }));
      await Promise.race([closed, new Promise((r) => setTimeout(r, 300))]);
      ws.terminate();
    }
    await othersUnaffected();
  });

  it('an authenticated raw client sending reserved or malformed event packets does not disturb the gateway', async () => {
    const port = new URL(gw.url).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(String(data)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send('40' + JSON.stringify({ token: signToken(iso, newUser('raw')) }));
    await waitFor(() => frames.some((f) => f.startsWith('40{')), 'socket.io connect ack');
    for (const f of [
      '42["disconnect"]',
      '42["connect",{}]',
      '421["disconnecting",{}]',
      '42[]',
      '42[42]',
      '42{"a":1}',
      '43["x"]',
      '42["message:send",{"__proto__":{"admin":true}}]',
    ]) {
      if (ws.readyState === WebSocket.OPEN) ws.send(f);
    }
    ws.terminate();
    await othersUnaffected();
  });
});

function channelIdPlaceholder(): string {
  return '0123456789abcdef01234567';
}
