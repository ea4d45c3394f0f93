import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryPage, Message, ServerDetail } from '@chorus/contracts';
import { waitFor } from '../support/wait.js';
import { User } from './client.js';
import { useSystem } from './system.js';

/**
 * Two people use the real system (membership, history, two gateways behind the entry point) as a
 * client app would: register, create and join a server, talk through different gateways, page
 * through history, edit, delete, leave.
 */
describe('a conversation across the whole system', () => {
  // The send rate limit has its own tests (gateway); here users talk faster than 10 messages in 10 s.
  const system = useSystem('e2e-conversation', { SEND_RATE_LIMIT: '1000' });
  let ada: User;
  let bob: User;
  let server: ServerDetail;
  let channelId: string;

  beforeAll(async () => {
    const { edgeUrl } = system();
    ada = await new User(edgeUrl, `ada_${Date.now() % 100000}`).register();
    bob = await new User(edgeUrl, `bob_${Date.now() % 100000}`).register();
  });
  afterAll(() => {
    ada?.close();
    bob?.close();
  });

  it('lets one user create a server and another join it', async () => {
    const created = await ada.api('POST', '/api/servers', { name: 'Chorus fans', description: 'we sing' });
    expect(created.status).toBe(201);
    server = ServerDetail.parse(created.body);
    expect(server.channels.map((c) => c.name)).toEqual(['general']);
    channelId = server.channels[0]!.id;

    expect((await bob.api('PUT', `/api/servers/${server.id}/members/@me`)).status).toBe(201);
    expect((await bob.api('PUT', `/api/servers/${server.id}/members/@me`)).body.error.code).toBe('ALREADY_MEMBER');
    const explore = await bob.api('GET', '/api/servers?member=@me');
    expect(explore.body.servers.map((s: { id: string }) => s.id)).toContain(server.id);
  });

  it('delivers messages between users on different gateways, acked with the persisted message', async () => {
    const [gw1, gw2] = system().gateways;
    await ada.connect(gw1!.url);
    await bob.connect(gw2!.url);
    await ada.join(channelId);
    await bob.join(channelId);

    const ack = await ada.send(channelId, '  hello bob  ', 'n-1');
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    const sent = Message.parse(ack.message);
    expect(sent).toMatchObject({ channelId, serverId: server.id, content: 'hello bob', nonce: 'n-1', editedAt: null });
    expect(sent.author).toEqual({ id: ada.id, username: ada.username, displayName: ada.username, avatarUrl: null });

    await waitFor(() => bob.received.find((m) => m.id === sent.id), 'bob to receive the message');
    const reply = await bob.send(channelId, 'hi ada');
    expect(reply.ok).toBe(true);
    await waitFor(() => ada.received.find((m) => reply.ok && m.id === reply.message.id), 'ada to receive the reply');
  });

  it('serves the conversation as history, newest first, page by page', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const ack = await (i % 2 ? bob : ada).send(channelId, `message ${i}`);
      if (!ack.ok) throw new Error(JSON.stringify(ack.error));
      ids.push(ack.message.id);
    }
    const all = await waitFor(async () => {
      const page = await ada.api('GET', `/api/channels/${channelId}/messages?limit=100`);
      return page.body?.messages?.length === 27 ? HistoryPage.parse(page.body) : undefined;
    }, 'history to hold all 27 messages');
    expect(all.hasMore).toBe(false);
    const newestFirst = all.messages.map((m) => m.id);
    expect([...newestFirst].sort().reverse()).toEqual(newestFirst);

    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const page = HistoryPage.parse((await bob.api('GET', `/api/channels/${channelId}/messages?limit=10${cursor}`)).body);
      seen.push(...page.messages.map((m) => m.id));
      if (!page.hasMore) break;
      cursor = `&before=${page.messages.at(-1)!.id}`;
    }
    expect(seen).toEqual(newestFirst);

    const after = HistoryPage.parse((await bob.api('GET', `/api/channels/${channelId}/messages?after=${ids[9]}&limit=5`)).body);
    expect(after.messages.map((m) => m.id)).toEqual(ids.slice(10, 15).reverse());
    expect(after.hasMore).toBe(true);
  });

  it('broadcasts edits and deletes to the room and reflects them in history', async () => {
    const ack = await ada.send(channelId, 'tpyo');
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
    const id = ack.message.id;
    const updated = new Promise<Message>((r) => bob.socket!.on('message:updated', (m) => m.id === id && r(m)));
    const deleted = new Promise<{ id: string }>((r) => bob.socket!.on('message:deleted', (m) => m.id === id && r(m)));
    await waitFor(
      async () => (await ada.api('GET', `/api/channels/${channelId}/messages?around=${id}&limit=1`)).body?.messages?.[0]?.id === id,
      'the message to be persisted',
    );

    expect((await bob.api('PATCH', `/api/channels/${channelId}/messages/${id}`, { content: 'nope' })).status).toBe(403);
    const edit = await ada.api('PATCH', `/api/channels/${channelId}/messages/${id}`, { content: 'typo' });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ id, content: 'typo' });
    expect(edit.body.editedAt).not.toBeNull();
    expect((await updated).content).toBe('typo');

    expect((await ada.api('DELETE', `/api/channels/${channelId}/messages/${id}`)).status).toBe(204);
    expect((await deleted).id).toBe(id);
    const page = await bob.api('GET', `/api/channels/${channelId}/messages?limit=5`);
    expect(page.body.messages.map((m: Message) => m.id)).not.toContain(id);
  });

  it('stops delivering to a user who left, on every gateway', async () => {
    // Carol sits on Bob's gateway: once she has a message, Bob's gateway has handled that broadcast too.
    const carol = await new User(system().edgeUrl, `carol_${Date.now() % 100000}`).register();
    expect((await carol.api('PUT', `/api/servers/${server.id}/members/@me`)).status).toBe(201);
    await carol.connect(system().gateways[1]!.url);
    await carol.join(channelId);

    const removed = new Promise<{ serverId: string }>((r) => bob.socket!.once('server:removed', r));
    expect((await bob.api('DELETE', `/api/servers/${server.id}/members/@me`)).status).toBe(204);
    expect((await removed).serverId).toBe(server.id);
    const before = bob.received.length;

    const ack = await ada.send(channelId, 'bob has gone');
    expect(ack.ok).toBe(true);
    const refused = await bob.send(channelId, 'let me back');
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    await waitFor(() => carol.received.find((m) => m.content === 'bob has gone'), 'carol to receive the message');
    expect(bob.received.length).toBe(before);
    expect((await bob.api('GET', `/api/channels/${channelId}/messages`)).body.error.code).toBe('NOT_MEMBER');
    carol.close();
  });
});
