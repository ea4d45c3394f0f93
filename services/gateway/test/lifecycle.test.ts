import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqplib, { type ChannelModel } from 'amqplib';
import { MessageSendAckSchema, parseEnvelope, topologyNames, type MessageSendAck } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { closeClients, connectClient, connectError, request } from './support/gateway-harness.js';
import { spawnService, stopAll, type ServiceProcess } from './support/processes.js';
import { newUser, signToken, startAuthzStandIn, type AuthzStandIn } from './support/stand-ins.js';

/**
 * The gateway as a process (src/main.ts): health, readiness and SIGTERM. Membership's authz RPC is a
 * STAND-IN (support/stand-ins.ts) so a test can hold its answers and keep sends in flight during shutdown.
 */
const iso = isolated('gw-lifecycle');
const names = topologyNames(iso.amqpPrefix);
let authz: AuthzStandIn;
let amqp: ChannelModel;

beforeAll(async () => {
  authz = await startAuthzStandIn(iso);
  amqp = await amqplib.connect(iso.amqpUrl);
});

afterAll(async () => {
  closeClients();
  await stopAll();
  await Promise.allSettled([authz?.stop(), amqp?.close()]);
  await iso.cleanup();
});

const startGatewayProcess = (id: string, port?: number): Promise<ServiceProcess> =>
  spawnService('gateway', iso.serviceEnv({ GATEWAY_ID: `${iso.amqpPrefix}-${id}`, LOG_LEVEL: 'info' }), {
    name: id,
    ...(port ? { port } : {}),
  });

describe('gateway process lifecycle', () => {
  it('serves /healthz and /readyz once listening', async () => {
    const gw = await startGatewayProcess('health');
    const health = await fetch(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { redis: true, redisSubscriber: true, broker: true, consumers: true },
    });
    expect((await gw.stop()).code).toBe(0);
  });

  it('on SIGTERM: not ready, refuses new connections and sends, finishes in-flight sends, then drops clients so they reconnect', async () => {
    const gw = await startGatewayProcess('drain');
    const ada = newUser('ada');
    const { channelIds } = authz.directory.addServer(ada);
    const channelId = channelIds[0]!;
    const client = await connectClient(gw.url, signToken(iso, ada), {
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
    });
    const disconnected = new Promise<string>((resolve) => client.once('disconnect', (reason) => resolve(reason)));

    authz.hold();
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      request(client, 'message:send', { channelId, content: `in flight ${i}`, nonce: `drain-${i}` }),
    );
    await waitFor(() => authz.held >= 1, 'sends waiting on membership');

    gw.child.kill('SIGTERM');
    await waitFor(async () => (await fetch(`${gw.url}/readyz`)).status === 503, 'not ready');
    expect((await connectError(gw.url, { token: signToken(iso, newUser('late')) })).message).not.toBe('UNAUTHENTICATED');
    expect(await request(client, 'message:send', { channelId, content: 'too late' })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });

    authz.release();
    const settled = await Promise.allSettled(inFlight);
    if (settled.some((r) => r.status === 'rejected'))
      throw new Error(
        `some sends failed: ${JSON.stringify(settled.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')))}\n${gw.tail(200)}`,
      );
    const acks = (await Promise.all(inFlight)).map((a) => MessageSendAckSchema.parse(a) as MessageSendAck);
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(await disconnected).toBe('transport close'); // socket.io-client reconnects after this reason
    expect((await gw.exited).code).toBe(0);

    // every acknowledged send is on history's durable queue
    const ch = await amqp.createChannel();
    const queued: string[] = [];
    for (let m = await ch.get(names.historyQueue, { noAck: true }); m; m = await ch.get(names.historyQueue, { noAck: true })) {
      const parsed = parseEnvelope(JSON.parse(m.content.toString('utf8')));
      if (parsed.ok && parsed.envelope.type === 'message.created') queued.push(parsed.envelope.payload.id);
    }
    expect(queued.sort()).toEqual(acks.map((a) => (a.ok ? a.message.id : '')).sort());

    // the same client comes back by itself once a gateway answers there again
    const reconnected = new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const again = await startGatewayProcess('drain-2', gw.port);
    await reconnected;
    expect(await request(client, 'message:send', { channelId, content: 'back', nonce: 'drain-0' })).toMatchObject({
      ok: true,
      duplicate: true,
    });
    client.disconnect();
    expect((await again.stop()).code).toBe(0);
  });
});
