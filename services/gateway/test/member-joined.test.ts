import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelJoinAckSchema } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { closeClients, connectClient, record, request, startGateway, type RunningGateway } from './support/gateway-harness.js';
import { newUser, signToken, startAuthzStandIn, startEventInjector, type AuthzStandIn, type EventInjector } from './support/stand-ins.js';

/**
 * What the gateway does with `member.joined`: identical authorization questions share one request, so a
 * question asked before a join must not answer one asked after it. Membership is a STAND-IN here.
 */
const iso = isolated('gw-member-joined');
let gw: RunningGateway;
let authz: AuthzStandIn;
let events: EventInjector;

beforeAll(async () => {
  authz = await startAuthzStandIn(iso);
  events = await startEventInjector(iso);
  gw = await startGateway(iso, 'joined');
});

afterAll(async () => {
  closeClients();
  await gw?.stop();
  await Promise.allSettled([authz?.stop(), events?.close()]);
  await iso.cleanup();
});

describe('member.joined', () => {
  it('a join asked after member.joined is asked afresh, not answered by a question still in flight from before', async () => {
    const owner = newUser('owner');
    const joiner = newUser('joiner');
    const marker = newUser('marker');
    const server = authz.directory.addServer(owner);
    const channelId = server.channelIds[0]!;
    // A second user whose member.left, published after member.joined, shows when the gateway got that far.
    const markerServer = authz.directory.addServer(marker);
    const markerClient = await connectClient(gw.url, signToken(iso, marker));
    ChannelJoinAckSchema.parse(await request(markerClient, 'channel:join', { channelId: markerServer.channelIds[0] }));
    const removed = record(markerClient, 'server:removed');
    const before = await connectClient(gw.url, signToken(iso, joiner));
    const after = await connectClient(gw.url, signToken(iso, joiner));

    authz.hold();
    const early = request(before, 'channel:join', { channelId });
    await waitFor(() => authz.held === 1, 'the first question is with membership');
    authz.directory.join(server.serverId, joiner);
    await events.publish('member.joined', 1, { serverId: server.serverId, userId: joiner.id }, 'membership');
    authz.directory.leave(markerServer.serverId, marker);
    await events.publish('member.left', 1, { serverId: markerServer.serverId, userId: marker.id }, 'membership');
    // One queue, applied in order: once the marker is told, member.joined was applied.
    await waitFor(() => removed.length === 1, 'member.joined applied');

    const late = request(after, 'channel:join', { channelId });
    await waitFor(() => authz.held === 2, 'the join after member.joined asked membership again');
    authz.release();
    expect(ChannelJoinAckSchema.parse(await late)).toMatchObject({ ok: true, channel: { id: channelId } });
    await early;
  });
});
