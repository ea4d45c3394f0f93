// Edit and delete on real MongoDB and RabbitMQ; the events they publish are read back off the broker
// and checked against libs/contracts. Membership is the test-only stand-in of support/authz-stand-in.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { Types } from 'mongoose';
import { ErrorBody, Message, createEnvelope, type Message as MessageT } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { createdEnvelope, hexId, idSequence, makeMessage, testUsers } from './support/fixtures.js';
import { useHistoryService } from './support/in-process.js';

const iso = isolated('history-edit');
const world = useHistoryService(iso, { tap: ['message.updated.*', 'message.deleted.*'], publisher: true });

const [owner, alice, bob, outsider] = testUsers('owner', 'alice', 'bob', 'mallory');
const serverId = hexId();
const channelId = hexId();
const otherChannel = hexId();
const nextId = idSequence();
const auth = world.bearer;
const url = (messageId: string, channel = channelId) => `/api/channels/${channel}/messages/${messageId}`;

/** Sends a message the way the gateway does (a message.created on the broker) and waits until history has it. */
async function send(author: { id: string; username: string }, content = 'hello', channel = channelId): Promise<MessageT> {
  const message = { ...makeMessage(nextId(), channel, serverId, author, content), nonce: `n-${Math.random()}` };
  await world.pub.publishAll([createdEnvelope(message)]);
  await waitFor(async () => {
    const res = await request(world.svc.app)
      .get(`/api/channels/${channel}/messages?around=${message.id}&limit=1`)
      .set('Authorization', auth(owner));
    return res.body.messages?.[0]?.id === message.id;
  }, 'the message to be stored');
  return message;
}

const history = async (channel = channelId) =>
  (await request(world.svc.app).get(`/api/channels/${channel}/messages?limit=100`).set('Authorization', auth(owner))).body
    .messages as MessageT[];

function eventsOf(type: string, id: string) {
  return world.tap.received.filter(
    (e) => e.parsed.ok && e.parsed.envelope.type === type && (e.parsed.envelope.payload as { id: string }).id === id,
  );
}

const eventFor = (type: string, id: string) => waitFor(() => eventsOf(type, id)[0], `${type} for ${id}`);

beforeAll(() => {
  for (const c of [channelId, otherChannel]) world.authz.setChannel(c, { serverId, ownerId: owner.id, members: [alice.id, bob.id] });
});

describe('edit', () => {
  it('the author edits: 200 with the full message, trimmed, editedAt set, and a message.updated v1 event', async () => {
    const m = await send(alice, 'first version');
    const res = await request(world.svc.app).patch(url(m.id)).set('Authorization', auth(alice)).send({ content: '  second version \n' });
    expect(res.status).toBe(200);
    const edited = Message.parse(res.body);
    expect(edited).toMatchObject({
      id: m.id,
      channelId,
      serverId,
      author: alice,
      content: 'second version',
      nonce: m.nonce,
      createdAt: m.createdAt,
    });
    expect(edited.editedAt).not.toBeNull();
    expect((await history()).find((x) => x.id === m.id)).toEqual(edited);

    const event = await eventFor('message.updated', m.id);
    expect(event.routingKey).toBe('message.updated.v1');
    expect(event.parsed.ok && event.parsed.envelope).toMatchObject({
      type: 'message.updated',
      version: 1,
      producer: 'history',
      payload: edited,
    });
  });

  it('only the author may edit (403 FORBIDDEN, also for the owner); non-members get 403 NOT_MEMBER', async () => {
    const m = await send(alice, 'mine');
    for (const [user, code] of [
      [bob, 'FORBIDDEN'],
      [owner, 'FORBIDDEN'],
      [outsider, 'NOT_MEMBER'],
    ] as const) {
      const res = await request(world.svc.app).patch(url(m.id)).set('Authorization', auth(user)).send({ content: 'hijacked' });
      expect(res.status, user.username).toBe(403);
      expect(ErrorBody.parse(res.body).error.code).toBe(code);
    }
    expect((await history()).find((x) => x.id === m.id)?.content).toBe('mine');
    expect(eventsOf('message.updated', m.id)).toHaveLength(0);
  });

  it('404 for an unknown message, or one of another channel; 401 without a token', async () => {
    const m = await send(alice, 'elsewhere', otherChannel);
    expect((await request(world.svc.app).patch(url(hexId())).set('Authorization', auth(alice)).send({ content: 'x' })).status).toBe(404);
    const foreign = await request(world.svc.app).patch(url(m.id, channelId)).set('Authorization', auth(alice)).send({ content: 'x' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    expect((await request(world.svc.app).patch(url(m.id, otherChannel)).send({ content: 'x' })).status).toBe(401);
  });

  it('400 for invalid content, unknown fields and malformed JSON; 2000 code points are fine', async () => {
    const m = await send(alice, 'valid');
    const bodies: unknown[] = [
      {},
      { content: '' },
      { content: '   \n ' },
      { content: 'x'.repeat(2001) },
      { content: 42 },
      { content: 'ok', extra: 1 },
      [],
    ];
    for (const body of bodies) {
      const res = await request(world.svc.app)
        .patch(url(m.id))
        .set('Authorization', auth(alice))
        .send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const malformed = await request(world.svc.app)
      .patch(url(m.id))
      .set('Authorization', auth(alice))
      .set('Content-Type', 'application/json')
      .send('{"content":');
    expect(malformed.status).toBe(400);
    const emoji = '😀'.repeat(2000);
    const ok = await request(world.svc.app).patch(url(m.id)).set('Authorization', auth(alice)).send({ content: emoji });
    expect(ok.status).toBe(200);
    expect(ok.body.content).toBe(emoji);
    expect(
      (
        await request(world.svc.app)
          .patch(url(m.id))
          .set('Authorization', auth(alice))
          .send({ content: `${emoji}😀` })
      ).status,
    ).toBe(400);
  });
});

describe('delete', () => {
  it('a member who is not the author gets 403 FORBIDDEN; a non-member 403 NOT_MEMBER', async () => {
    const m = await send(alice, 'stays');
    const res = await request(world.svc.app).delete(url(m.id)).set('Authorization', auth(bob));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect((await request(world.svc.app).delete(url(m.id)).set('Authorization', auth(outsider))).body.error.code).toBe('NOT_MEMBER');
    expect((await history()).some((x) => x.id === m.id)).toBe(true);
  });

  it('the author deletes: 204, gone from history, a message.deleted v1 event; deleting again is 404', async () => {
    const m = await send(alice, 'regrettable');
    const res = await request(world.svc.app).delete(url(m.id)).set('Authorization', auth(alice));
    expect(res.status).toBe(204);
    expect((await history()).some((x) => x.id === m.id)).toBe(false);
    const event = await eventFor('message.deleted', m.id);
    expect(event.routingKey).toBe('message.deleted.v1');
    expect(event.parsed.ok && event.parsed.envelope).toMatchObject({
      type: 'message.deleted',
      version: 1,
      producer: 'history',
      payload: { id: m.id, channelId, serverId, deletedBy: alice.id },
    });
    expect((await request(world.svc.app).delete(url(m.id)).set('Authorization', auth(alice))).status).toBe(404);
    expect((await request(world.svc.app).patch(url(m.id)).set('Authorization', auth(alice)).send({ content: 'back?' })).status).toBe(404);
  });

  it("the server's owner deletes someone else's message", async () => {
    const m = await send(bob, 'off-topic');
    expect((await request(world.svc.app).delete(url(m.id)).set('Authorization', auth(owner))).status).toBe(204);
    expect((await history()).some((x) => x.id === m.id)).toBe(false);
    const event = await eventFor('message.deleted', m.id);
    expect(event.parsed.ok && event.parsed.envelope.payload).toMatchObject({ deletedBy: owner.id });
  });

  it('a redelivered message.created does not bring a deleted message back, nor undo an edit', async () => {
    const gone = await send(alice, 'delete me');
    const kept = await send(alice, 'edit me');
    expect((await request(world.svc.app).delete(url(gone.id)).set('Authorization', auth(alice))).status).toBe(204);
    expect((await request(world.svc.app).patch(url(kept.id)).set('Authorization', auth(alice)).send({ content: 'edited' })).status).toBe(
      200,
    );
    await world.pub.publishAll([createdEnvelope(gone), createdEnvelope(kept)]);
    // Two markers in a row: once the second is stored, the batch holding the redeliveries is complete
    // (FIFO queue, batches written one after another).
    await send(alice, 'marker 1');
    await send(alice, 'marker 2');
    const after = await history();
    expect(after.some((x) => x.id === gone.id)).toBe(false);
    expect(after.find((x) => x.id === kept.id)?.content).toBe('edited');
  });

  it('404 for a message of another channel; 400 for non-hex ids', async () => {
    const m = await send(alice, 'other', otherChannel);
    expect((await request(world.svc.app).delete(url(m.id, channelId)).set('Authorization', auth(alice))).status).toBe(404);
    expect((await request(world.svc.app).delete(url('nope')).set('Authorization', auth(alice))).status).toBe(400);
    expect((await request(world.svc.app).delete(`/api/channels/nope/messages/${m.id}`).set('Authorization', auth(alice))).status).toBe(400);
  });
});

describe('outbox', () => {
  const doc = (id: string) => world.svc.mongo.collection('messages').findOne({ _id: new Types.ObjectId(id) });

  it('a confirmed event is cleared from the message', async () => {
    const m = await send(alice, 'to edit');
    expect((await request(world.svc.app).patch(url(m.id)).set('Authorization', auth(alice)).send({ content: 'edited' })).status).toBe(200);
    await eventFor('message.updated', m.id);
    await waitFor(async () => (await doc(m.id))?.pendingEvent === undefined, 'the outbox entry to be cleared');
  });

  it('an event stored but never published (the process died in between) is published by the sweep', async () => {
    const m = await send(alice, 'orphaned edit');
    // What a process that crashed right after its write leaves behind: the change and its event, unpublished.
    const editedAt = new Date();
    const envelope = createEnvelope(
      'message.updated',
      1,
      { ...m, content: 'after the crash', editedAt: editedAt.toISOString() },
      'history',
    );
    await world.svc.mongo.collection('messages').updateOne(
      { _id: new Types.ObjectId(m.id) },
      {
        $set: {
          content: 'after the crash',
          editedAt,
          pendingEvent: { id: envelope.id, body: JSON.stringify(envelope), at: new Date(Date.now() - 60_000) },
        },
      },
    );
    expect(eventsOf('message.updated', m.id)).toHaveLength(0);
    expect(await world.svc.events.sweep()).toBe(0);
    const event = await eventFor('message.updated', m.id);
    expect(event.parsed.ok && event.parsed.envelope).toMatchObject({ id: envelope.id, payload: { id: m.id, content: 'after the crash' } });
    expect((await doc(m.id))?.pendingEvent).toBeUndefined();
  });

  it('leaves a young event to the request that wrote it', async () => {
    const m = await send(alice, 'in flight');
    const envelope = createEnvelope('message.updated', 1, { ...m, content: 'x', editedAt: new Date().toISOString() }, 'history');
    await world.svc.mongo
      .collection('messages')
      .updateOne(
        { _id: new Types.ObjectId(m.id) },
        { $set: { pendingEvent: { id: envelope.id, body: JSON.stringify(envelope), at: new Date() } } },
      );
    await world.svc.events.sweep();
    expect((await doc(m.id))?.pendingEvent).toMatchObject({ id: envelope.id });
  });
});

describe('contract', () => {
  it('every event history published validates against libs/contracts', () => {
    expect(world.tap.received.length).toBeGreaterThan(0);
    for (const e of world.tap.received) {
      expect(e.parsed.ok, JSON.stringify(e.raw)).toBe(true);
      if (e.parsed.ok) expect(e.routingKey).toBe(`${e.parsed.envelope.type}.v${e.parsed.envelope.version}`);
    }
  });
});
