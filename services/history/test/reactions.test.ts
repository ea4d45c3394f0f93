// Reactions (SPEC 12) on real MongoDB and RabbitMQ: idempotence and counts under concurrency, the emoji
// rules, who may react, `reactions`/`me` on history, and the broadcast events checked against the
// contracts as they come off the broker. Membership is the stand-in of support/authz-stand-in.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { ErrorBody, HistoryPage, type Message } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { toMessageDoc } from '../src/messages/message.mapper.js';
import { hexId, idSequence, makeMessage, type TestUser as User } from './support/fixtures.js';
import { useHistoryService } from './support/in-process.js';

const iso = isolated('history-reactions');
const world = useHistoryService(iso, { tap: ['reaction.*.*'] });

const owner: User = { id: hexId(), username: 'owner' };
const crowd: User[] = Array.from({ length: 50 }, (_, i) => ({ id: hexId(), username: `fan${i}` }));
const alice = crowd[0]!;
const outsider: User = { id: hexId(), username: 'mallory' };
const serverId = hexId();
const channelId = hexId();
const otherChannel = hexId();
const nextId = idSequence();
const auth = world.bearer;
const url = (messageId: string, emoji: string, channel = channelId) =>
  `/api/channels/${channel}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}/@me`;
const react = (u: User, messageId: string, emoji: string, channel = channelId) =>
  request(world.svc.app)
    .put(url(messageId, emoji, channel))
    .set('Authorization', auth(u));
const unreact = (u: User, messageId: string, emoji: string, channel = channelId) =>
  request(world.svc.app)
    .delete(url(messageId, emoji, channel))
    .set('Authorization', auth(u));

async function seed(channel = channelId): Promise<Message> {
  const message = makeMessage(nextId(), channel, serverId, owner, 'react to me');
  await world.repo.insertBatch([toMessageDoc(message)]);
  return message;
}

async function fetchMessage(messageId: string, as: User = owner): Promise<Message> {
  const res = await request(world.svc.app)
    .get(`/api/channels/${channelId}/messages?around=${messageId}&limit=1`)
    .set('Authorization', auth(as));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const found = HistoryPage.parse(res.body).messages.find((m) => m.id === messageId);
  if (!found) throw new Error(`message ${messageId} not in history`);
  return found;
}

const eventsFor = (messageId: string, type?: string) =>
  world.tap.received.filter(
    (e) =>
      e.parsed.ok &&
      (type === undefined || e.parsed.envelope.type === type) &&
      (e.parsed.envelope.payload as { messageId?: string }).messageId === messageId,
  );

beforeAll(() => {
  for (const c of [channelId, otherChannel]) world.authz.setChannel(c, { serverId, ownerId: owner.id, members: crowd.map((u) => u.id) });
});

describe('concurrency', () => {
  it('50 people reacting at once give 50; each taking theirs back at once gives none', async () => {
    const m = await seed();
    const added = await Promise.all(crowd.map((u) => react(u, m.id, '🔥')));
    expect(added.map((r) => r.status)).toEqual(crowd.map(() => 204));
    expect((await fetchMessage(m.id)).reactions).toEqual([{ emoji: '🔥', count: 50, me: false }]);
    expect((await fetchMessage(m.id, alice)).reactions).toEqual([{ emoji: '🔥', count: 50, me: true }]);

    const removed = await Promise.all(crowd.map((u) => unreact(u, m.id, '🔥')));
    expect(removed.map((r) => r.status)).toEqual(crowd.map(() => 204));
    expect((await fetchMessage(m.id)).reactions).toEqual([]);
  });

  it('the same person clicking ten times at once counts once, and is broadcast once', async () => {
    const m = await seed();
    const res = await Promise.all(Array.from({ length: 10 }, () => react(alice, m.id, '👍')));
    expect(res.map((r) => r.status)).toEqual(res.map(() => 204));
    expect((await fetchMessage(m.id, alice)).reactions).toEqual([{ emoji: '👍', count: 1, me: true }]);
    await waitFor(() => eventsFor(m.id, 'reaction.added').length === 1, 'one reaction.added');

    await Promise.all(Array.from({ length: 10 }, () => unreact(alice, m.id, '👍')));
    await waitFor(() => eventsFor(m.id, 'reaction.removed').length === 1, 'one reaction.removed');
    // A later change is broadcast too, so nothing more was pending: still exactly one of each.
    await react(crowd[1]!, m.id, '👍').expect(204);
    await waitFor(() => eventsFor(m.id, 'reaction.added').length === 2, 'the second add');
    expect(eventsFor(m.id, 'reaction.removed')).toHaveLength(1);
  });

  it('concurrent first uses of different emoji never exceed 20 distinct, and the refused ones leave nothing behind', async () => {
    const m = await seed();
    const emoji = [...'😀😃😄😁😆😅😂🤣😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛😜🤪😝'];
    const res = await Promise.all(emoji.map((e, i) => react(crowd[i]!, m.id, e)));
    expect(res.filter((r) => r.status === 204)).toHaveLength(20);
    expect(res.filter((r) => r.status === 400)).toHaveLength(5);
    const { reactions } = await fetchMessage(m.id);
    expect(reactions).toHaveLength(20);
    expect(reactions.every((r) => r.count === 1)).toBe(true);
  });
});

describe('rules', () => {
  it('reactions are listed in order of first use, with counts and `me`', async () => {
    const m = await seed();
    await react(alice, m.id, '🎉').expect(204);
    await react(crowd[1]!, m.id, '❤️').expect(204);
    await react(crowd[2]!, m.id, '🎉').expect(204);
    expect((await fetchMessage(m.id, crowd[1]!)).reactions).toEqual([
      { emoji: '🎉', count: 2, me: false },
      { emoji: '❤️', count: 1, me: true },
    ]);
  });

  it('the 21st distinct emoji → 400; an emoji already there still counts', async () => {
    const m = await seed();
    const twenty = [...'🍎🍐🍊🍋🍌🍉🍇🍓🫐🍈🍒🍑🥭🍍🥥🥝🍅🍆🥑🥦'];
    expect(twenty).toHaveLength(20);
    for (const e of twenty) await react(alice, m.id, e).expect(204);
    const res = await react(alice, m.id, '🌶️');
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.code).toBe('VALIDATION_FAILED');
    await react(crowd[1]!, m.id, '🍎').expect(204);
    const { reactions } = await fetchMessage(m.id);
    expect(reactions).toHaveLength(20);
    expect(reactions[0]).toEqual({ emoji: '🍎', count: 2, me: false });
  });

  it.each([
    ['text', 'abc'],
    ['a letter', 'x'],
    ['two emoji', '👍👍'],
    ['emoji and text', '👍a'],
    ['over 32 bytes', '👨‍👩‍👧‍👦'.repeat(2)],
    ['a 33-byte string', `${'🏳️‍🌈'}${'a'.repeat(33 - Buffer.byteLength('🏳️‍🌈'))}`],
    ['a digit alone', '1'],
    ['whitespace', ' '],
  ])('invalid emoji (%s) → 400', async (_name, emoji) => {
    const m = await seed();
    const res = await react(alice, m.id, emoji);
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.code).toBe('VALIDATION_FAILED');
  });

  it('malformed percent-encoding → 400 with the error shape', async () => {
    const m = await seed();
    const res = await request(world.svc.app)
      .put(`/api/channels/${channelId}/messages/${m.id}/reactions/%E0%A4%A/@me`)
      .set('Authorization', auth(alice));
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.code).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['skin tone', '👍🏽'],
    ['ZWJ family', '👨‍👩‍👧'],
    ['flag', '🇫🇷'],
    ['keycap', '1️⃣'],
    ['heart with VS16', '❤️'],
  ])('valid emoji (%s) → 204', async (_name, emoji) => {
    const m = await seed();
    await react(alice, m.id, emoji).expect(204);
    expect((await fetchMessage(m.id, alice)).reactions).toEqual([{ emoji, count: 1, me: true }]);
  });

  it('removing a reaction nobody made is a 204 no-op, not broadcast', async () => {
    const m = await seed();
    await unreact(alice, m.id, '👀').expect(204);
    await react(alice, m.id, '👍').expect(204);
    await waitFor(() => eventsFor(m.id, 'reaction.added').length === 1, 'the add');
    expect(eventsFor(m.id, 'reaction.removed')).toHaveLength(0);
  });
});

describe('who may react', () => {
  it('a non-member gets 403 NOT_MEMBER (PUT and DELETE); an unknown channel 404; no token 401', async () => {
    const m = await seed();
    for (const res of [await react(outsider, m.id, '👍'), await unreact(outsider, m.id, '👍')]) {
      expect(res.status).toBe(403);
      expect(ErrorBody.parse(res.body).error.code).toBe('NOT_MEMBER');
    }
    expect((await react(alice, m.id, '👍', hexId())).status).toBe(404);
    expect((await request(world.svc.app).put(url(m.id, '👍'))).status).toBe(401);
    expect((await fetchMessage(m.id)).reactions).toEqual([]);
  });

  it('a message of another channel, an unknown or a deleted message → 404', async () => {
    const m = await seed(otherChannel);
    expect((await react(alice, m.id, '👍')).status).toBe(404);
    expect((await react(alice, hexId(), '👍')).status).toBe(404);
    const gone = await seed();
    await request(world.svc.app).delete(`/api/channels/${channelId}/messages/${gone.id}`).set('Authorization', auth(owner)).expect(204);
    expect((await react(alice, gone.id, '👍')).status).toBe(404);
  });
});

describe('history and edits carry reactions', () => {
  it('an edited message keeps its reactions, with `me` for the editor', async () => {
    const m = await seed();
    await react(owner, m.id, '✅').expect(204);
    const res = await request(world.svc.app)
      .patch(`/api/channels/${channelId}/messages/${m.id}`)
      .set('Authorization', auth(owner))
      .send({ content: 'edited' });
    expect(res.status).toBe(200);
    expect(res.body.reactions).toEqual([{ emoji: '✅', count: 1, me: true }]);
  });
});

describe('contract', () => {
  it('every reaction event validates against libs/contracts, with its routing key and channel', () => {
    expect(world.tap.received.length).toBeGreaterThan(0);
    for (const e of world.tap.received) {
      expect(e.parsed.ok, JSON.stringify(e.raw)).toBe(true);
      if (!e.parsed.ok) continue;
      expect(e.routingKey).toBe(`${e.parsed.envelope.type}.v${e.parsed.envelope.version}`);
      expect(e.parsed.envelope.producer).toBe('history');
      expect(e.parsed.envelope.payload).toMatchObject({ channelId, serverId });
    }
  });
});
