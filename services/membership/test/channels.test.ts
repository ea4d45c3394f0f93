import { beforeAll, describe, expect, it } from 'vitest';
import { Channel, ServerDetail, type AuthResponse } from '@chorus/contracts';
import { expectError, useHarness, bearer } from './harness.js';

const h = useHarness('channels', { tap: true });
let owner: AuthResponse;
let member: AuthResponse;
let server: ServerDetail;
beforeAll(async () => {
  [owner, member] = await Promise.all([h.register('owner'), h.register('member')]);
  server = ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'Chan' })).body);
  await h.api.put(`/api/servers/${server.id}/members/@me`).set('authorization', bearer(member)).expect(201);
});

const channels = (id = server.id) => `/api/servers/${id}/channels`;

describe('channels', () => {
  it('the owner creates a channel (201) and it appears on the server', async () => {
    const res = await h.api.post(channels()).set('authorization', bearer(owner)).send({ name: ' announcements ', topic: 'news' });
    expect(res.status).toBe(201);
    expect(Channel.parse(res.body)).toMatchObject({ serverId: server.id, name: 'announcements', topic: 'news' });
    const detail = ServerDetail.parse((await h.api.get(`/api/servers/${server.id}`)).body);
    expect(detail.channels.map((c) => c.name)).toEqual(['general', 'announcements']);
  });

  it('topic defaults to ""', async () => {
    const res = await h.api.post(channels()).set('authorization', bearer(owner)).send({ name: 'misc' });
    expect(res.body.topic).toBe('');
  });

  it('members who are not the owner get 403 FORBIDDEN; no token 401', async () => {
    expectError(await h.api.post(channels()).set('authorization', bearer(member)).send({ name: 'x' }), 403, 'FORBIDDEN');
    const target = server.channels[0]!.id;
    expectError(await h.api.patch(`${channels()}/${target}`).set('authorization', bearer(member)).send({ name: 'x' }), 403, 'FORBIDDEN');
    expectError(await h.api.delete(`${channels()}/${target}`).set('authorization', bearer(member)), 403, 'FORBIDDEN');
    expectError(await h.api.post(channels()).send({ name: 'x' }), 401, 'UNAUTHENTICATED');
  });

  it('the owner updates name and topic', async () => {
    const c = Channel.parse((await h.api.post(channels()).set('authorization', bearer(owner)).send({ name: 'old' })).body);
    const res = await h.api.patch(`${channels()}/${c.id}`).set('authorization', bearer(owner)).send({ name: 'new', topic: 't' });
    expect(res.status).toBe(200);
    expect(Channel.parse(res.body)).toEqual({ id: c.id, serverId: server.id, name: 'new', topic: 't' });
  });

  it('the owner deletes a channel (204) and channel.deleted is published', async () => {
    const c = Channel.parse((await h.api.post(channels()).set('authorization', bearer(owner)).send({ name: 'temp' })).body);
    expect((await h.api.delete(`${channels()}/${c.id}`).set('authorization', bearer(owner))).status).toBe(204);
    const event = await h.tap.next('channel.deleted', (p) => p.channelId === c.id);
    expect(event.payload.serverId).toBe(server.id);
    expectError(await h.api.delete(`${channels()}/${c.id}`).set('authorization', bearer(owner)), 404, 'NOT_FOUND');
  });

  it('unknown server or channel → 404; a channel of another server → 404', async () => {
    const otherServer = ServerDetail.parse(
      (await h.api.post('/api/servers').set('authorization', bearer(owner)).send({ name: 'Other' })).body,
    );
    const foreign = otherServer.channels[0]!.id;
    expectError(await h.api.patch(`${channels()}/${foreign}`).set('authorization', bearer(owner)).send({ name: 'x' }), 404, 'NOT_FOUND');
    expectError(await h.api.delete(`${channels()}/${foreign}`).set('authorization', bearer(owner)), 404, 'NOT_FOUND');
    expectError(
      await h.api
        .post(channels('b'.repeat(24)))
        .set('authorization', bearer(owner))
        .send({ name: 'x' }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await h.api
        .patch(`${channels()}/${'c'.repeat(24)}`)
        .set('authorization', bearer(owner))
        .send({ name: 'x' }),
      404,
      'NOT_FOUND',
    );
  });

  it.each([
    ['post', {}],
    ['post', { name: '' }],
    ['post', { name: 'x'.repeat(101) }],
    ['post', { name: 'ok', topic: 't'.repeat(1025) }],
    ['patch', {}],
    ['patch', { name: 7 }],
  ] as const)('%s %j → 400', async (method, body) => {
    const target = method === 'post' ? channels() : `${channels()}/${server.channels[0]!.id}`;
    expectError(await h.api[method](target).set('authorization', bearer(owner)).send(body), 400, 'VALIDATION_FAILED');
  });

  it('bad ids in the path → 400', async () => {
    expectError(await h.api.patch(`${channels()}/nope`).set('authorization', bearer(owner)).send({ name: 'x' }), 400, 'VALIDATION_FAILED');
    expectError(await h.api.post(channels('nope')).set('authorization', bearer(owner)).send({ name: 'x' }), 400, 'VALIDATION_FAILED');
  });
});
