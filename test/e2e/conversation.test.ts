import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message, type ServerDetail } from '@chorus/contracts';
import { waitFor } from '../support/wait.js';
import { next, Person } from './person.js';
import { useSystem } from './system.js';

/**
 * Two people use the real system (membership, history, two gateways behind the entry point) through
 * `@chorus/client`, as a client app would: register, create and join a server, talk through different
 * gateways, page through history, edit, delete, leave.
 */
describe('a conversation across the whole system', () => {
  // The send rate limit has its own tests (gateway); here users talk faster than 10 messages in 10 s.
  const system = useSystem('e2e-conversation', { SEND_RATE_LIMIT: '1000' });
  let ada: Person;
  let bob: Person;
  let server: ServerDetail;
  let channelId: string;

  beforeAll(async () => {
    const { edgeUrl } = system();
    ada = await new Person(edgeUrl, `ada_${Date.now() % 100000}`).register();
    bob = await new Person(edgeUrl, `bob_${Date.now() % 100000}`).register();
  });
  afterAll(() => {
    ada?.close();
    bob?.close();
  });

  it('lets one user create a server and another join it', async () => {
    server = await ada.client.servers.create({ name: 'Chorus fans', description: 'we sing' });
    expect(ada.lastStatus).toBe(201);
    expect(server.channels.map((c) => c.name)).toEqual(['general']);
    channelId = server.channels[0]!.id;

    await bob.client.members.join(server.id);
    expect(bob.lastStatus).toBe(201);
    await expect(bob.client.members.join(server.id)).rejects.toMatchObject({ code: 'ALREADY_MEMBER' });
    const mine = await bob.client.servers.list({ member: '@me' });
    expect(mine.map((s) => s.id)).toContain(server.id);
  });

  it('delivers messages between users on different gateways, acked with the persisted message', async () => {
    const [gw1, gw2] = system().gateways;
    const adaSocket = await ada.connect(gw1!.url);
    const bobSocket = await bob.connect(gw2!.url);
    await adaSocket.join(channelId);
    await bobSocket.join(channelId);

    const ack = await adaSocket.send(channelId, '  hello bob  ', 'n-1');
    expect(ack.duplicate).toBe(false);
    const sent = Message.parse(ack.message);
    expect(sent).toMatchObject({ channelId, serverId: server.id, content: 'hello bob', nonce: 'n-1', editedAt: null });
    expect(sent.author).toEqual({ id: ada.id, username: ada.username, displayName: ada.username, avatarUrl: null });

    await waitFor(() => bob.received.find((m) => m.id === sent.id), 'bob to receive the message');
    const reply = await bobSocket.send(channelId, 'hi ada');
    expect(reply.message.content).toBe('hi ada');
    await waitFor(() => ada.received.find((m) => m.id === reply.message.id), 'ada to receive the reply');
  });

  it('serves the conversation as history, newest first, page by page', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await (i % 2 ? bob : ada).socket!.send(channelId, `message ${i}`)).message.id);
    const all = await waitFor(async () => {
      const page = await ada.client.messages.page(channelId, { limit: 100 });
      return page.messages.length === 27 ? page : undefined;
    }, 'history to hold all 27 messages');
    expect(all.hasMore).toBe(false);
    const newestFirst = all.messages.map((m) => m.id);
    expect([...newestFirst].sort().reverse()).toEqual(newestFirst);

    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await bob.client.messages.page(channelId, { limit: 10, before });
      seen.push(...page.messages.map((m) => m.id));
      if (!page.hasMore) break;
      before = page.messages.at(-1)!.id;
    }
    expect(seen).toEqual(newestFirst);

    const after = await bob.client.messages.page(channelId, { after: ids[9], limit: 5 });
    expect(after.messages.map((m) => m.id)).toEqual(ids.slice(10, 15).reverse());
    expect(after.hasMore).toBe(true);
  });

  it('broadcasts edits and deletes to the room and reflects them in history', async () => {
    const id = (await ada.socket!.send(channelId, 'tpyo')).message.id;
    const updated = next(bob.socket!, 'message:updated', (m) => m.id === id);
    const deleted = next(bob.socket!, 'message:deleted', (m) => m.id === id);
    await waitFor(
      async () => (await ada.client.messages.page(channelId, { around: id, limit: 1 })).messages[0]?.id === id,
      'the message to be persisted',
    );

    await expect(bob.client.messages.edit(channelId, id, { content: 'nope' })).rejects.toMatchObject({ status: 403 });
    const edit = await ada.client.messages.edit(channelId, id, { content: 'typo' });
    expect(ada.lastStatus).toBe(200);
    expect(edit).toMatchObject({ id, content: 'typo' });
    expect(edit.editedAt).not.toBeNull();
    expect((await updated).content).toBe('typo');

    await ada.client.messages.remove(channelId, id);
    expect(ada.lastStatus).toBe(204);
    expect((await deleted).id).toBe(id);
    const page = await bob.client.messages.page(channelId, { limit: 5 });
    expect(page.messages.map((m) => m.id)).not.toContain(id);
  });

  it('stops delivering to a user who left, on every gateway', async () => {
    // Carol sits on Bob's gateway: once she has a message, Bob's gateway has handled that broadcast too.
    const carol = await new Person(system().edgeUrl, `carol_${Date.now() % 100000}`).register();
    await carol.client.members.join(server.id);
    expect(carol.lastStatus).toBe(201);
    await (await carol.connect(system().gateways[1]!.url)).join(channelId);

    const removed = next(bob.socket!, 'server:removed');
    await bob.client.members.leave(server.id);
    expect(bob.lastStatus).toBe(204);
    expect((await removed).serverId).toBe(server.id);
    const before = bob.received.length;

    expect((await ada.socket!.send(channelId, 'bob has gone')).message.content).toBe('bob has gone');
    await expect(bob.socket!.send(channelId, 'let me back')).rejects.toMatchObject({ code: 'NOT_MEMBER' });
    await waitFor(() => carol.received.find((m) => m.content === 'bob has gone'), 'carol to receive the message');
    expect(bob.received.length).toBe(before);
    await expect(bob.client.messages.page(channelId)).rejects.toMatchObject({ code: 'NOT_MEMBER' });
    carol.close();
  });
});
