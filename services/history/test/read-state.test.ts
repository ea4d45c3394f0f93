// Read state and unread counts (SPEC 13) on real MongoDB and RabbitMQ: the position never moves back,
// counts are right across page boundaries and capped at 100, authors' sends mark the channel read,
// read.updated events validate against the contracts. Membership is the stand-in of support/authz-stand-in.ts.
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { ErrorBody, ReadStatesResponse, type Message, type ReadState } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { toMessageDoc } from '../src/messages/message.mapper.js';
import { createdEnvelope, hexId, idSequence, makeMessage, testUsers, type TestUser as User } from './support/fixtures.js';
import { useHistoryService } from './support/in-process.js';

const iso = isolated('history-read');
const world = useHistoryService(iso, { tap: ['read.updated.*'], publisher: true });

const [owner, alice, bob, outsider] = testUsers('owner', 'alice', 'bob', 'mallory');
const nextId = idSequence();
const auth = world.bearer;

/** A server of its own with `channels` channels (alice and bob are members). */
function newServer(channels = 1): { serverId: string; channelIds: string[] } {
  const serverId = hexId();
  const channelIds = Array.from({ length: channels }, () => hexId());
  channelIds.forEach((id, i) => world.authz.setChannel(id, { serverId, ownerId: owner.id, members: [alice.id, bob.id], name: `c${i}` }));
  return { serverId, channelIds };
}

/** `count` messages by `author` stored directly (oldest first); `mention` every n-th mentions alice. */
async function seed(channelId: string, serverId: string, count: number, author = bob, mentionEvery = 0): Promise<Message[]> {
  const messages = Array.from({ length: count }, (_, i) =>
    makeMessage(nextId(), channelId, serverId, author, mentionEvery && i % mentionEvery === 0 ? `hey <@${alice.id}> ${i}` : `m${i}`),
  );
  await world.repo.insertBatch(messages.map(toMessageDoc));
  return messages;
}

const markRead = (u: User, channelId: string, messageId: string) =>
  request(world.svc.app).put(`/api/channels/${channelId}/read`).set('Authorization', auth(u)).send({ messageId });

async function readStates(u: User, query: string): Promise<ReadState[]> {
  const res = await request(world.svc.app).get(`/api/users/@me/read-states${query}`).set('Authorization', auth(u));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ReadStatesResponse.parse(res.body).readStates;
}
const stateOf = async (u: User, serverId: string, channelId: string) =>
  (await readStates(u, `?serverId=${serverId}`)).find((s) => s.channelId === channelId)!;

describe('read position', () => {
  it('never moves backwards: out-of-order PUTs leave the newest; an older id is a 204 no-op', async () => {
    const { serverId, channelIds } = newServer();
    const ids = (await seed(channelIds[0]!, serverId, 30)).map((m) => m.id);
    const shuffled = [...ids].sort(() => Math.random() - 0.5);
    const res = await Promise.all(shuffled.map((id) => markRead(alice, channelIds[0]!, id)));
    expect(res.map((r) => r.status)).toEqual(res.map(() => 204));
    expect((await stateOf(alice, serverId, channelIds[0]!)).lastReadId).toBe(ids[29]);
    await markRead(alice, channelIds[0]!, ids[3]!).expect(204);
    expect(await stateOf(alice, serverId, channelIds[0]!)).toMatchObject({ lastReadId: ids[29], unreadCount: 0, mentionCount: 0 });
  });

  it('read.updated goes out once per forward move, for the reader, and not for a no-op', async () => {
    const { serverId, channelIds } = newServer();
    const [a, b] = (await seed(channelIds[0]!, serverId, 2)).map((m) => m.id);
    await markRead(alice, channelIds[0]!, b!).expect(204);
    await markRead(alice, channelIds[0]!, a!).expect(204);
    await markRead(alice, channelIds[0]!, b!).expect(204);
    const mine = () =>
      world.tap.received.filter((e) => e.parsed.ok && (e.parsed.envelope.payload as { channelId?: string }).channelId === channelIds[0]);
    await waitFor(() => mine().length >= 1, 'read.updated');
    await markRead(bob, channelIds[0]!, b!).expect(204);
    await waitFor(() => mine().length >= 2, 'bob’s read.updated');
    expect(mine().map((e) => (e.parsed.ok ? e.parsed.envelope.payload : null))).toEqual([
      { userId: alice.id, channelId: channelIds[0], messageId: b },
      { userId: bob.id, channelId: channelIds[0], messageId: b },
    ]);
  });

  it('400 for a bad body or id; 403 for a non-member; 404 for an unknown channel; 401 without a token', async () => {
    const { serverId, channelIds } = newServer();
    const [m] = await seed(channelIds[0]!, serverId, 1);
    for (const body of [{}, { messageId: 'nope' }, { messageId: m!.id, extra: 1 }, { messageId: { $gt: '' } }]) {
      const res = await request(world.svc.app).put(`/api/channels/${channelIds[0]}/read`).set('Authorization', auth(alice)).send(body);
      expect(res.status).toBe(400);
      expect(ErrorBody.parse(res.body).error.code).toBe('VALIDATION_FAILED');
    }
    const refused = await markRead(outsider, channelIds[0]!, m!.id);
    expect(refused.status).toBe(403);
    expect(ErrorBody.parse(refused.body).error.code).toBe('NOT_MEMBER');
    expect((await markRead(alice, hexId(), m!.id)).status).toBe(404);
    expect((await request(world.svc.app).put(`/api/channels/${channelIds[0]}/read`).send({ messageId: m!.id })).status).toBe(401);
  });
});

describe('unread and mention counts', () => {
  it('are right across a page boundary (read up to the 50th of 75: 25 unread), and mentions among them only', async () => {
    const { serverId, channelIds } = newServer();
    const messages = await seed(channelIds[0]!, serverId, 75, bob, 10); // mentions at 0, 10, …, 70
    // The first history page is the newest 50; the reader saw the older page up to message 50 (index 49).
    await markRead(alice, channelIds[0]!, messages[49]!.id).expect(204);
    expect(await stateOf(alice, serverId, channelIds[0]!)).toEqual({
      channelId: channelIds[0],
      lastReadId: messages[49]!.id,
      lastMessageId: messages[74]!.id,
      unreadCount: 25,
      mentionCount: 3, // 50, 60, 70
    });
  });

  it('are capped at 100 ("100+"), and count everything when the channel was never read', async () => {
    const { serverId, channelIds } = newServer();
    await seed(channelIds[0]!, serverId, 130, bob, 1); // every message mentions alice
    expect(await stateOf(alice, serverId, channelIds[0]!)).toMatchObject({ lastReadId: null, unreadCount: 100, mentionCount: 100 });
    expect(await stateOf(bob, serverId, channelIds[0]!)).toMatchObject({ unreadCount: 0, mentionCount: 0 });
  });

  it('leave out one’s own messages and deleted ones; an empty channel has no lastMessageId', async () => {
    const { serverId, channelIds } = newServer(2);
    const [first] = await seed(channelIds[0]!, serverId, 1, bob);
    await markRead(alice, channelIds[0]!, first!.id).expect(204);
    await seed(channelIds[0]!, serverId, 3, alice);
    const [doomed] = await seed(channelIds[0]!, serverId, 2, bob);
    await request(world.svc.app)
      .delete(`/api/channels/${channelIds[0]}/messages/${doomed!.id}`)
      .set('Authorization', auth(bob))
      .expect(204);
    const states = await readStates(alice, `?serverId=${serverId}`);
    expect(states.map((s) => s.channelId)).toEqual(channelIds);
    expect(states[0]).toMatchObject({ unreadCount: 1, mentionCount: 0 });
    expect(states[1]).toEqual({ channelId: channelIds[1], lastReadId: null, lastMessageId: null, unreadCount: 0, mentionCount: 0 });
  });

  it('a send marks the channel read for its author (through the consumer)', async () => {
    const { serverId, channelIds } = newServer();
    await seed(channelIds[0]!, serverId, 5, bob);
    const mine = makeMessage(nextId(), channelIds[0]!, serverId, alice, 'my reply');
    await world.pub.publishAll([createdEnvelope(mine)]);
    await waitFor(async () => (await stateOf(alice, serverId, channelIds[0]!)).lastReadId === mine.id, 'the send to mark the channel read');
    expect(await stateOf(alice, serverId, channelIds[0]!)).toMatchObject({ unreadCount: 0, lastMessageId: mine.id });
  });

  it('an edit that adds a mention counts it; one that removes it does not', async () => {
    const { serverId, channelIds } = newServer();
    const [m] = await seed(channelIds[0]!, serverId, 1, bob);
    const edit = (content: string) =>
      request(world.svc.app)
        .patch(`/api/channels/${channelIds[0]}/messages/${m!.id}`)
        .set('Authorization', auth(bob))
        .send({ content })
        .expect(200);
    await edit(`now <@${alice.id}>`);
    expect((await stateOf(alice, serverId, channelIds[0]!)).mentionCount).toBe(1);
    await edit('no mention');
    expect((await stateOf(alice, serverId, channelIds[0]!)).mentionCount).toBe(0);
  });
});

describe('the read-states request', () => {
  it('a server of 50 channels in one request, in the server’s order', async () => {
    const { serverId, channelIds } = newServer(50);
    await Promise.all(channelIds.map((c, i) => seed(c, serverId, i % 3)));
    const states = await readStates(alice, `?serverId=${serverId}`);
    expect(states.map((s) => s.channelId)).toEqual(channelIds);
    expect(states.map((s) => s.unreadCount)).toEqual(channelIds.map((_, i) => i % 3));
  });

  it('dms=true answers the caller’s DMs (none until DMs exist)', async () => {
    expect(await readStates(alice, '?dms=true')).toEqual([]);
  });

  it('403 for a non-member, 404 for an unknown server, 400 for a bad or missing query, 401 without a token', async () => {
    const { serverId } = newServer();
    const refused = await request(world.svc.app)
      .get(`/api/users/@me/read-states?serverId=${serverId}`)
      .set('Authorization', auth(outsider));
    expect(refused.status).toBe(403);
    expect(ErrorBody.parse(refused.body).error.code).toBe('NOT_MEMBER');
    expect(
      (await request(world.svc.app).get(`/api/users/@me/read-states?serverId=${hexId()}`).set('Authorization', auth(alice))).status,
    ).toBe(404);
    for (const q of [
      '',
      '?serverId=x',
      `?serverId=${serverId}&dms=true`,
      '?dms=false',
      `?serverId=${serverId}&serverId=${serverId}`,
      `?serverId=${serverId}&x=1`,
    ]) {
      const res = await request(world.svc.app).get(`/api/users/@me/read-states${q}`).set('Authorization', auth(alice));
      expect(res.status, q).toBe(400);
      expect(ErrorBody.parse(res.body).error.code).toBe('VALIDATION_FAILED');
    }
    expect((await request(world.svc.app).get(`/api/users/@me/read-states?serverId=${serverId}`)).status).toBe(401);
  });
});

describe('contract', () => {
  it('every read.updated event validates against libs/contracts', () => {
    expect(world.tap.received.length).toBeGreaterThan(0);
    for (const e of world.tap.received) {
      expect(e.parsed.ok, JSON.stringify(e.raw)).toBe(true);
      if (e.parsed.ok) expect(e.routingKey).toBe('read.updated.v1');
    }
  });
});
