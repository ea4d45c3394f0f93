import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import {
  DmChannel,
  DmListResponse,
  HistoryPage,
  ListMembersResponse,
  Message,
  PresenceSubscribeAckSchema,
  PresenceUpdatedEvent,
  ServerDetail,
  type PresenceUpdatedEvent as PresenceUpdate,
} from '@chorus/contracts';
import { waitFor } from '../support/wait.js';
import { User } from './raw-user.js';
import { useSystem } from './system.js';

/**
 * SPEC 10 and 11 on the real system (membership, history, two gateways, entry point): direct messages
 * reach a recipient who never joined the DM, on the other gateway; only the two recipients get in;
 * presence is announced lazily to a server's subscribers and to DM partners, and a gateway that is
 * SIGKILLed does not leave its users online.
 */
describe('direct messages and presence across the fleet', () => {
  const system = useSystem('e2e-people', { PRESENCE_HEARTBEAT_MS: '1000', PRESENCE_LEASE_MS: '4000' });
  const tag = Date.now() % 100000;
  let ada: User;
  let bob: User;
  let eve: User;
  let dm: DmChannel;
  let serverId: string;

  beforeAll(async () => {
    const { edgeUrl } = system();
    [ada, bob, eve] = await Promise.all([
      new User(edgeUrl, `ada_p${tag}`).register(),
      new User(edgeUrl, `bob_p${tag}`).register(),
      new User(edgeUrl, `eve_p${tag}`).register(),
    ]);
    const server = ServerDetail.parse((await ada.api('POST', '/api/servers', { name: 'presence' })).body);
    serverId = server.id;
    expect((await bob.api('PUT', `/api/servers/${server.id}/members/@me`)).status).toBe(201);
    await ada.api('PATCH', '/api/users/@me', { displayName: 'Ada L.', avatarUrl: 'https://example.com/ada.png' });
    const opened = await ada.api('POST', '/api/dms', { userId: bob.id });
    expect(opened.status).toBe(201);
    dm = DmChannel.parse(opened.body);
  });
  afterAll(() => {
    for (const u of [ada, bob, eve]) u?.close();
  });

  it('a DM message reaches the recipient’s socket on the other gateway without a join, with the author’s profile as of the send', async () => {
    const [gw1, gw2] = system().gateways;
    await ada.connect(gw1!.url);
    await bob.connect(gw2!.url);
    await ada.join(dm.id);
    const ack = await ada.send(dm.id, 'hello bob', 'dm-1');
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    if (!ack.ok) return;
    const sent = Message.parse(ack.message);
    expect(sent).toMatchObject({
      channelId: dm.id,
      serverId: null,
      author: { id: ada.id, displayName: 'Ada L.', avatarUrl: 'https://example.com/ada.png' },
    });
    await waitFor(() => bob.received.find((m) => m.id === sent.id), 'bob to receive the DM in his user room');
    // Ada's socket is in the channel room AND her user room: she gets it once.
    await waitFor(() => ada.received.find((m) => m.id === sent.id), 'ada to receive her own DM');
    const reply = await bob.send(dm.id, 'hi ada');
    expect(reply.ok).toBe(true);
    await waitFor(() => ada.received.find((m) => m.content === 'hi ada'), 'ada to receive the reply');
    expect(ada.received.filter((m) => m.id === sent.id)).toHaveLength(1);
    expect(bob.received.filter((m) => m.id === sent.id)).toHaveLength(1);

    const page = HistoryPage.parse((await bob.api('GET', `/api/channels/${dm.id}/messages`)).body);
    await waitFor(
      async () => HistoryPage.parse((await bob.api('GET', `/api/channels/${dm.id}/messages`)).body).messages.length === 2,
      'history of the DM',
    );
    expect(page.messages.every((m) => m.serverId === null)).toBe(true);
    await waitFor(
      async () => DmListResponse.parse((await bob.api('GET', '/api/dms')).body).dms[0]?.lastMessageId !== null,
      'the DM list to show its latest message',
    );
  });

  it('a third user gets NOT_MEMBER on the DM’s history, join and send; delete in a DM is the author’s only', async () => {
    await eve.connect(system().gateways[0]!.url);
    const history = await eve.api('GET', `/api/channels/${dm.id}/messages`);
    expect(history.status).toBe(403);
    expect(history.body.error.code).toBe('NOT_MEMBER');
    const join = await eve.socket!.timeout(5_000).emitWithAck('channel:join', { channelId: dm.id });
    expect(join).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    const send = await eve.send(dm.id, 'let me in');
    expect(send).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });

    const adaMessage = ada.received.find((m) => m.channelId === dm.id && m.author.id === ada.id)!;
    const byBob = await bob.api('DELETE', `/api/channels/${dm.id}/messages/${adaMessage.id}`);
    expect(byBob.status).toBe(403);
    expect((await ada.api('DELETE', `/api/channels/${dm.id}/messages/${adaMessage.id}`)).status).toBe(204);
  });

  it('presence: subscribers see online, invisible as offline, and offline after the holding gateway is SIGKILLed', async () => {
    const { gateways } = system();
    // Ada watches the server's presence from gateway 1; bob is online on gateway 2 (connected above).
    const updates: PresenceUpdate[] = [];
    const dmUpdates: PresenceUpdate[] = [];
    ada.socket!.on('presence:updated', (e) => (PresenceUpdatedEvent.parse(e).serverId ? updates : dmUpdates).push(e));
    const sub = PresenceSubscribeAckSchema.parse(await ada.socket!.timeout(5_000).emitWithAck('presence:subscribe', { serverId }));
    expect(sub.ok).toBe(true);
    if (!sub.ok) return;
    expect(sub.presences).toEqual(expect.arrayContaining([{ userId: bob.id, status: 'online' }]));
    const denied = await eve.socket!.timeout(5_000).emitWithAck('presence:subscribe', { serverId });
    expect(denied).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });

    const members = async () => ListMembersResponse.parse((await ada.api('GET', `/api/servers/${serverId}/members`)).body).members;
    expect((await members()).find((m) => m.userId === bob.id)?.status).toBe('online');

    expect(await bob.socket!.timeout(5_000).emitWithAck('presence:set', { status: 'invisible' })).toEqual({ ok: true });
    await waitFor(() => updates.find((u) => u.userId === bob.id && u.status === 'offline'), 'invisible bob shown offline');
    expect((await members()).find((m) => m.userId === bob.id)?.status).toBe('offline');
    // DM partners hear it too, without serverId.
    await waitFor(() => dmUpdates.find((u) => u.userId === bob.id && u.status === 'offline'), 'the DM partner told');

    expect(await bob.socket!.timeout(5_000).emitWithAck('presence:set', { status: 'dnd' })).toEqual({ ok: true });
    await waitFor(() => updates.find((u) => u.userId === bob.id && u.status === 'dnd'), 'bob dnd');

    // Gateway 2 holds bob's only socket and dies without a word.
    const before = updates.length;
    gateways[1]!.child.kill('SIGKILL');
    await gateways[1]!.exited;
    await waitFor(
      () => updates.slice(before).find((u) => u.userId === bob.id && u.status === 'offline'),
      'bob offline after the kill',
      30_000,
    );
    expect((await members()).find((m) => m.userId === bob.id)?.status).toBe('offline');
    await system().restartGateway(1);
  }, 60_000);
});
