import { beforeAll, describe, expect, it } from 'vitest';
import { IsMemberResponse } from '@chorus/contracts';
import { useHarness, expectError } from './harness.js';
import { community, type User } from './community.js';

/**
 * GET …/members/@me?channelId=: the caller's permissions in one channel, after its overrides (SPEC 15),
 * which is what the web client needs to disable its composer in a read-only channel.
 */
const h = useHarness('member-access');
const c = community(h);
let owner!: User;
let plain!: User;
let mod!: User;
beforeAll(async () => {
  owner = await h.register('owner');
  plain = await h.register('plain');
  mod = await h.register('mod');
});

const access = async (u: User, serverId: string, channelId?: string) => {
  const res = await h.api
    .get(`/api/servers/${serverId}/members/@me`)
    .query(channelId ? { channelId } : {})
    .set(c.as(u));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return IsMemberResponse.parse(res.body);
};

describe('members/@me with a channel', () => {
  it('answers the channel permissions: read-only for @everyone, writable for a role allowed there', async () => {
    const server = await c.server(owner, 'Announcements');
    const channel = server.channels[0]!.id;
    await c.join(plain, server.id);
    const mods = await c.memberWith(owner, server.id, mod, []);
    const put = (roleId: string, body: object) =>
      h.api.put(`/api/servers/${server.id}/channels/${channel}/overrides/${roleId}`).set(c.as(owner)).send(body);
    expect((await put(server.id, { deny: ['SEND_MESSAGES'] })).status).toBe(200);
    expect((await put(mods.id, { allow: ['SEND_MESSAGES'] })).status).toBe(200);

    expect((await access(plain, server.id)).permissions).toContain('SEND_MESSAGES');
    const inChannel = await access(plain, server.id, channel);
    expect(inChannel.permissions).not.toContain('SEND_MESSAGES');
    expect(inChannel.permissions).toContain('READ_HISTORY');
    expect((await access(mod, server.id, channel)).permissions).toContain('SEND_MESSAGES');
    expect((await access(owner, server.id, channel)).permissions).toContain('SEND_MESSAGES');
  });

  it('refuses a channel of another server (404) and a malformed id (400)', async () => {
    const a = await c.server(owner, 'A');
    const b = await c.server(owner, 'B');
    const res = await h.api.get(`/api/servers/${a.id}/members/@me`).query({ channelId: b.channels[0]!.id }).set(c.as(owner));
    expectError(res, 404, 'NOT_FOUND');
    const bad = await h.api.get(`/api/servers/${a.id}/members/@me`).query({ channelId: 'nope' }).set(c.as(owner));
    expectError(bad, 400, 'VALIDATION_FAILED');
  });
});
