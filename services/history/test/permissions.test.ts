// SPEC 15 in history, on real MongoDB and RabbitMQ: reads need READ_HISTORY in the channel, deleting
// another member's message needs MANAGE_MESSAGES, editing stays the author's. Membership's answers (with
// the caller's effective permissions) come from the stand-in of support/authz-stand-in.ts.
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { ErrorBody, HistoryPage, type Message, type Permission } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { createdEnvelope, hexId, idSequence, makeMessage, testUsers, type TestUser as User } from './support/fixtures.js';
import { useHistoryService } from './support/in-process.js';

const iso = isolated('history-permissions');
const world = useHistoryService(iso, { publisher: true });

const [owner, alice, bob, mod] = testUsers('owner', 'alice', 'bob', 'moderator');
const nextId = idSequence();
const auth = world.bearer;

/** A channel where alice and bob are plain members and `mod` holds MANAGE_MESSAGES (plus what `extra` says). */
function channel(extra: Record<string, Permission[]> = {}): { channelId: string; serverId: string } {
  const serverId = hexId();
  const channelId = hexId();
  const plain: Permission[] = ['SEND_MESSAGES', 'READ_HISTORY'];
  world.authz.setChannel(channelId, {
    serverId,
    ownerId: owner.id,
    members: [alice.id, bob.id, mod.id],
    permissions: { [alice.id]: plain, [bob.id]: plain, [mod.id]: [...plain, 'MANAGE_MESSAGES'], ...extra },
  });
  return { channelId, serverId };
}

/** Stores a message as the gateway would (message.created on the broker) and waits until history has it. */
async function stored(where: { channelId: string; serverId: string }, author: User, content = 'hello'): Promise<Message> {
  const message = makeMessage(nextId(), where.channelId, where.serverId, author, content);
  await world.pub.publishAll([createdEnvelope(message)]);
  await waitFor(async () => {
    const res = await request(world.svc.app).get(`/api/channels/${where.channelId}/messages?limit=100`).set('Authorization', auth(owner));
    return res.body.messages?.some((m: Message) => m.id === message.id);
  }, 'the message to be stored');
  return message;
}

const forbidden = (res: request.Response, permission: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(403);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe('FORBIDDEN');
  expect(error.message).toContain(permission);
};

describe('READ_HISTORY', () => {
  it('GET …/messages without it is 403 FORBIDDEN; with it (or as the owner) 200', async () => {
    const where = channel({ [bob.id]: ['SEND_MESSAGES'] });
    const m = await stored(where, alice);
    const url = `/api/channels/${where.channelId}/messages`;
    for (const query of ['', `?around=${m.id}`, `?after=${m.id}`])
      forbidden(
        await request(world.svc.app)
          .get(url + query)
          .set('Authorization', auth(bob)),
        'READ_HISTORY',
      );
    for (const reader of [alice, owner]) {
      const res = await request(world.svc.app).get(url).set('Authorization', auth(reader));
      expect(res.status).toBe(200);
      expect(HistoryPage.parse(res.body).messages.map((x) => x.id)).toEqual([m.id]);
    }
  });

  it('reacting and marking read need it too (a message one may not read is not answered)', async () => {
    const where = channel({ [bob.id]: ['SEND_MESSAGES'] });
    const m = await stored(where, alice);
    const reaction = `/api/channels/${where.channelId}/messages/${m.id}/reactions/${encodeURIComponent('👍')}/@me`;
    forbidden(await request(world.svc.app).put(reaction).set('Authorization', auth(bob)), 'READ_HISTORY');
    forbidden(await request(world.svc.app).delete(reaction).set('Authorization', auth(bob)), 'READ_HISTORY');
    const read = `/api/channels/${where.channelId}/read`;
    forbidden(await request(world.svc.app).put(read).set('Authorization', auth(bob)).send({ messageId: m.id }), 'READ_HISTORY');
    expect((await request(world.svc.app).put(reaction).set('Authorization', auth(alice))).status).toBe(204);
    expect((await request(world.svc.app).put(read).set('Authorization', auth(alice)).send({ messageId: m.id })).status).toBe(204);
  });

  it('a non-member is still 403 NOT_MEMBER, an unknown channel 404', async () => {
    const where = channel();
    const stranger = { id: hexId(), username: 'stranger' };
    const res = await request(world.svc.app).get(`/api/channels/${where.channelId}/messages`).set('Authorization', auth(stranger));
    expect(res.status).toBe(403);
    expect(ErrorBody.parse(res.body).error.code).toBe('NOT_MEMBER');
    expect((await request(world.svc.app).get(`/api/channels/${hexId()}/messages`).set('Authorization', auth(alice))).status).toBe(404);
  });
});

describe('MANAGE_MESSAGES', () => {
  it('deleting another member’s message needs it: a plain member 403, a moderator 204, the owner 204', async () => {
    const where = channel();
    const url = (id: string) => `/api/channels/${where.channelId}/messages/${id}`;
    const a = await stored(where, alice, 'moderate me');
    const b = await stored(where, alice, 'and me');
    forbidden(await request(world.svc.app).delete(url(a.id)).set('Authorization', auth(bob)), 'MANAGE_MESSAGES');
    expect((await request(world.svc.app).delete(url(a.id)).set('Authorization', auth(mod))).status).toBe(204);
    expect((await request(world.svc.app).delete(url(b.id)).set('Authorization', auth(owner))).status).toBe(204);
    const left = await request(world.svc.app).get(`/api/channels/${where.channelId}/messages`).set('Authorization', auth(alice));
    expect(HistoryPage.parse(left.body).messages).toEqual([]);
  });

  it('one’s own message needs no permission to delete; editing stays the author’s, moderator or not', async () => {
    const where = channel({ [bob.id]: ['READ_HISTORY'] });
    const url = (id: string) => `/api/channels/${where.channelId}/messages/${id}`;
    const own = await stored(where, bob, 'I said this');
    expect((await request(world.svc.app).delete(url(own.id)).set('Authorization', auth(bob))).status).toBe(204);
    const m = await stored(where, alice, 'typo');
    for (const editor of [mod, owner]) {
      const res = await request(world.svc.app)
        .patch(url(m.id))
        .set('Authorization', auth(editor))
        .send({ content: 'fixed by someone else' });
      expect(res.status).toBe(403);
      expect(ErrorBody.parse(res.body).error.code).toBe('FORBIDDEN');
    }
    expect((await request(world.svc.app).patch(url(m.id)).set('Authorization', auth(alice)).send({ content: 'fixed' })).status).toBe(200);
  });
});
