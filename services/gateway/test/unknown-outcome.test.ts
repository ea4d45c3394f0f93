import amqplib, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelJoinAckSchema, MessageSendAckSchema, decodeEnvelope, topologyNames, type Message } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { closeClients, connectClient, record, request, startGateway, type Client, type RunningGateway } from './support/gateway-harness.js';
import { newUser, signToken, startAuthzStandIn, type AuthzStandIn } from './support/stand-ins.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

/**
 * A send whose outcome is unknown must never become two messages (SPEC 5: a repeated nonce returns the
 * original). The gateway's RabbitMQ connection goes through a TCP proxy that lets the publish reach the
 * broker and then drops the way back, so the confirm never arrives; then the connection is cut.
 * Membership's authz RPC is a STAND-IN (support/stand-ins.ts).
 */
const iso = isolated('gw-unknown');
const names = topologyNames(iso.amqpPrefix);
let authz: AuthzStandIn;
let amqpProxy: TcpProxy;
let gw: RunningGateway;
let amqp: ChannelModel;
let ch: Channel;

beforeAll(async () => {
  authz = await startAuthzStandIn(iso);
  const amqpUrl = new URL(iso.amqpUrl);
  amqpProxy = await startTcpProxy(amqpUrl.hostname, Number(amqpUrl.port || 5672));
  amqpUrl.port = String(amqpProxy.port);
  gw = await startGateway(iso, 'unknown', {}, { amqpUrl: amqpUrl.toString() });
  amqp = await amqplib.connect(iso.amqpUrl);
  ch = await amqp.createChannel();
});

afterAll(async () => {
  closeClients();
  amqpProxy?.restore();
  await Promise.allSettled([gw?.stop()]);
  await Promise.allSettled([authz?.stop(), amqpProxy?.close(), amqp?.close()]);
  await iso.cleanup();
});

const send = async (c: Client, channelId: string, content: string, nonce: string) =>
  MessageSendAckSchema.parse(await request(c, 'message:send', { channelId, content, nonce }));

/** Every message.created history's durable queue holds (history is not running here, so they stay). */
async function queued(): Promise<Message[]> {
  const out: Message[] = [];
  for (let m = await ch.get(names.historyQueue, { noAck: true }); m; m = await ch.get(names.historyQueue, { noAck: true })) {
    const parsed = decodeEnvelope(m.content);
    if (parsed.ok && parsed.envelope.type === 'message.created') out.push(parsed.envelope.payload);
  }
  return out;
}

describe('a publish whose confirm is lost', () => {
  it('answers UNAVAILABLE, keeps the nonce, and the retry gets the original id: one message, broadcast once', async () => {
    const ada = newUser('ada');
    const bob = newUser('bob');
    const { serverId, channelIds } = authz.directory.addServer(ada);
    authz.directory.join(serverId, bob);
    const channelId = channelIds[0]!;
    const adaOn = await connectClient(gw.url, signToken(iso, ada));
    const bobOn = await connectClient(gw.url, signToken(iso, bob));
    expect(ChannelJoinAckSchema.parse(await request(bobOn, 'channel:join', { channelId }))).toMatchObject({ ok: true });
    const seen = record(bobOn, 'message:created');
    // A first send warms the authorization cache (its RPC runs over the same, soon broken, connection).
    expect(await send(adaOn, channelId, 'warm-up', 'warm')).toMatchObject({ ok: true });
    await waitFor(() => seen.length === 1, 'warm-up broadcast');
    await queued();

    amqpProxy.dropReplies();
    const first = send(adaOn, channelId, 'only once', 'the-nonce');
    // The publish reached the broker (history's queue has it); its confirm is being dropped.
    const inBroker = await waitFor(async () => {
      const q = await ch.checkQueue(names.historyQueue);
      return q.messageCount >= 1;
    }, 'the publish in the broker');
    expect(inBroker).toBe(true);
    amqpProxy.cut();
    const lost = await first;
    expect(lost).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringContaining('same nonce') } });

    amqpProxy.restore();
    await waitFor(() => gw.gateway.isReady(), 'gateway ready again', 20_000);
    const retry = await send(adaOn, channelId, 'only once', 'the-nonce');
    expect(retry).toMatchObject({ ok: true, message: { content: 'only once', nonce: 'the-nonce' } });
    if (!retry.ok) return;
    expect(retry.duplicate).toBeUndefined();
    // Another retry is a plain replay of the same message.
    expect(await send(adaOn, channelId, 'only once', 'the-nonce')).toEqual({ ok: true, duplicate: true, message: retry.message });

    // The broker may hold the message more than once (the lost attempt, and the republish), always under
    // one id: history stores messages by id, so exactly one message exists.
    const inQueue = await waitFor(async () => {
      const got = await queued();
      return got.length > 0 ? got : undefined;
    }, 'the queued copies');
    expect(new Set(inQueue.map((m) => m.id))).toEqual(new Set([retry.message.id]));
    expect(inQueue.every((m) => m.nonce === 'the-nonce' && m.createdAt === retry.message.createdAt)).toBe(true);
    // And the room saw it once.
    await waitFor(() => seen.length === 2, 'the broadcast of the retried message');
    expect(seen.map((m) => m.content)).toEqual(['warm-up', 'only once']);
  }, 40_000);
});
