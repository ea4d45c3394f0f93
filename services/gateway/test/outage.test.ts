import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelJoinAckSchema, MessageSendAckSchema } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { closeClients, connectClient, record, request, startGateway, type Client, type RunningGateway } from './support/gateway-harness.js';
import { newUser, signToken, startAuthzStandIn, type AuthzStandIn, type TestUser } from './support/stand-ins.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { channelRoom } from '../src/types.js';
import { userSendKeys } from '../src/redis-keys.js';

/**
 * A gateway whose Redis and RabbitMQ connections go through TCP proxies the test cuts: its own outages,
 * without disturbing anyone else on the shared Redis and broker. Membership's authz RPC is a STAND-IN
 * (support/stand-ins.ts) on a direct connection.
 */
const iso = isolated('gw-outage');
let authz: AuthzStandIn;
let redisProxy: TcpProxy;
let amqpProxy: TcpProxy;
let gw: RunningGateway;
let peer: RunningGateway;

beforeAll(async () => {
  authz = await startAuthzStandIn(iso);
  const redisUrl = new URL(iso.redisUrl);
  const amqpUrl = new URL(iso.amqpUrl);
  redisProxy = await startTcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
  amqpProxy = await startTcpProxy(amqpUrl.hostname, Number(amqpUrl.port || 5672));
  redisUrl.port = String(redisProxy.port);
  amqpUrl.port = String(amqpProxy.port);
  gw = await startGateway(iso, 'outage', {}, { redisUrl: redisUrl.toString(), amqpUrl: amqpUrl.toString() });
  peer = await startGateway(iso, 'peer');
});

afterAll(async () => {
  closeClients();
  redisProxy?.restore();
  amqpProxy?.restore();
  await Promise.allSettled([gw?.stop(), peer?.stop()]);
  await Promise.allSettled([authz?.stop(), redisProxy?.close(), amqpProxy?.close()]);
  await iso.cleanup();
});

const send = async (c: Client, channelId: string, content: string) =>
  MessageSendAckSchema.parse(await request(c, 'message:send', { channelId, content }));
const join = async (c: Client, channelId: string) => ChannelJoinAckSchema.parse(await request(c, 'channel:join', { channelId }));
const connectAs = (g: RunningGateway, u: TestUser) => connectClient(g.url, signToken(iso, u));

describe('dependency outages', () => {
  it('broker down: not ready, sends UNAVAILABLE (not buffered); back up: membership missed meanwhile is re-checked', async () => {
    const ada = newUser('ada');
    const bob = newUser('bob');
    const { serverId, channelIds } = authz.directory.addServer(ada);
    authz.directory.join(serverId, bob);
    const channelId = channelIds[0]!;
    const adaOn = await connectAs(gw, ada);
    const bobOn = await connectAs(gw, bob);
    expect(await join(adaOn, channelId)).toMatchObject({ ok: true });
    expect(await join(bobOn, channelId)).toMatchObject({ ok: true });
    expect(await send(adaOn, channelId, 'before')).toMatchObject({ ok: true });
    const removed = record(bobOn, 'server:removed');

    amqpProxy.cut();
    await waitFor(() => !gw.gateway.isReady(), 'not ready while the broker is down');
    expect(await send(adaOn, channelId, 'during')).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    // bob leaves while this gateway cannot hear about it (its membership queue is gone with the connection)
    authz.directory.leave(serverId, bob);

    amqpProxy.restore();
    await waitFor(() => gw.gateway.isReady(), 'ready again', 15_000);
    await waitFor(() => removed.length === 1, 'bob removed by the re-check after reconnecting', 15_000);
    expect(removed).toEqual([{ serverId }]);
    expect(gw.gateway.io.of('/').adapter.rooms.get(channelRoom(channelId))?.size).toBe(1);
    expect(await send(adaOn, channelId, 'after')).toMatchObject({ ok: true });
    // the failed send gave its slot back: 'before' and 'after' are the only ones counted
    expect(await gw.redis.redis.zcard(userSendKeys(iso.redisPrefix, ada.id, undefined)[0])).toBe(2);
  });

  // Under test:cluster the peer is on the Cluster while a TCP proxy can only stand in for one node (Cluster
  // nodes announce their own addresses), so this case runs on plain Redis only.
  it.skipIf(Boolean(iso.redisClusterNodes))(
    'Redis down: sends UNAVAILABLE and not ready; back up: sends and cross-gateway rooms work again',
    async () => {
      const ada = newUser('ada');
      const bob = newUser('bob');
      const { serverId, channelIds } = authz.directory.addServer(ada);
      authz.directory.join(serverId, bob);
      const channelId = channelIds[0]!;
      const adaOn = await connectAs(gw, ada);
      const bobOnPeer = await connectAs(peer, bob);
      const bobOnThis = await connectAs(gw, bob);
      expect(await join(bobOnPeer, channelId)).toMatchObject({ ok: true });
      expect(await join(bobOnThis, channelId)).toMatchObject({ ok: true });
      expect(await send(adaOn, channelId, 'warm')).toMatchObject({ ok: true });

      redisProxy.cut();
      await waitFor(() => !gw.gateway.isReady(), 'not ready while Redis is down');
      expect(await send(adaOn, channelId, 'during')).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });

      redisProxy.restore();
      await waitFor(() => gw.gateway.isReady(), 'ready again', 15_000);
      const onPeer = record(bobOnPeer, 'message:created');
      const onThis = record(bobOnThis, 'message:created');
      // from the peer into this gateway (this gateway's subscriber re-subscribed the room) and back out
      const fromPeer = await connectAs(peer, ada);
      await waitFor(async () => (await send(fromPeer, channelId, 'peer → here')).ok, 'send through the peer');
      await waitFor(() => onThis.some((m) => m.content === 'peer → here'), 'delivery into the recovered gateway', 15_000);
      expect(await send(adaOn, channelId, 'here → peer')).toMatchObject({ ok: true });
      await waitFor(() => onPeer.some((m) => m.content === 'here → peer'), 'delivery out of the recovered gateway');
    },
  );
});
