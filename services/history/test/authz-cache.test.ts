// History with its authorization cache on (HISTORY_AUTHZ_CACHE_MS > 0): the replica's own cache queue hears
// membership's events on the real broker and drops what they make stale. Membership is the stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { ErrorBody, createEnvelope, topologyNames, type AnyEnvelope } from '@chorus/contracts';
import { createLogger } from '@chorus/runtime';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { loadConfig } from '../src/config.js';
import { migrateHistory } from '../../../test/support/migrate.js';
import { createHistoryService, type HistoryService } from '../src/service.js';
import { startAuthzStandIn, type AuthzStandIn } from './support/authz-stand-in.js';
import { hexId, mintToken, testPublisher, type TestPublisher } from './support/fixtures.js';

const iso = isolated('history-authz-cache');
const names = topologyNames(iso.amqpPrefix);
const logger = createLogger('history-test', process.env.TEST_LOG_LEVEL ?? 'silent');
let svc: HistoryService;
let authz: AuthzStandIn;
let events: TestPublisher;

const owner = { id: hexId(), username: 'owner' };
const token = (u: { id: string; username: string }) => `Bearer ${mintToken(iso.keys.privateKey, u)}`;
const read = (channelId: string, user: { id: string; username: string }) =>
  request(svc.app).get(`/api/channels/${channelId}/messages`).set('Authorization', token(user));

beforeAll(async () => {
  authz = await startAuthzStandIn(iso.amqpUrl, names);
  events = await testPublisher(iso.amqpUrl, names);
  const config = loadConfig(iso.serviceEnv({ HISTORY_AUTHZ_CACHE_MS: '30000', INSTANCE_ID: `${iso.amqpPrefix}-h1` }));
  await migrateHistory(config.MONGODB_URI);
  svc = createHistoryService(config, logger);
  await svc.ready;
});

afterAll(async () => {
  await svc?.stop();
  await events?.close();
  await authz?.close();
  await iso.cleanup();
});

/**
 * A channel alice may read, read until her answer is cached (a read that asks the stand-in nothing), then
 * refused by membership: a read that still passes shows the cached answer is what answers.
 * (An answer in flight while any invalidation lands is not cached, e.g. a late `server.deleted` of an
 * earlier test reaching the work queue: hence "until".)
 */
type Cached = { channelId: string; serverId: string; alice: { id: string; username: string } };
async function cachedReader(): Promise<Cached> {
  const alice = { id: hexId(), username: 'alice' };
  const serverId = hexId();
  const channelId = hexId();
  authz.setChannel(channelId, { serverId, ownerId: owner.id, members: [alice.id] });
  await waitFor(async () => {
    const before = authz.requests();
    expect((await read(channelId, alice)).status).toBe(200);
    return authz.requests() === before;
  }, 'alice’s answer cached');
  authz.setChannel(channelId, { serverId, ownerId: owner.id, members: [] });
  expect((await read(channelId, alice)).status).toBe(200);
  return { channelId, serverId, alice };
}

const refused = async (channelId: string, user: { id: string; username: string }) => {
  const res = await read(channelId, user);
  return res.status === 403 && ErrorBody.parse(res.body).error.code === 'NOT_MEMBER';
};

describe('history’s authorization cache', () => {
  it('member.left drops the member’s cached answers: the next read is refused', async () => {
    const { channelId, serverId, alice } = await cachedReader();
    await events.publishAll([createEnvelope('member.left', 1, { serverId, userId: alice.id }, 'membership') as AnyEnvelope]);
    await waitFor(() => refused(channelId, alice), 'alice refused after member.left');
  });

  it('server.deleted and channel.deleted drop the answers of that server or channel', async () => {
    const a = await cachedReader();
    const b = await cachedReader();
    await events.publishAll([
      createEnvelope('server.deleted', 1, { serverId: a.serverId, channelIds: [a.channelId], memberIds: [] }, 'membership') as AnyEnvelope,
      createEnvelope('channel.deleted', 1, { serverId: b.serverId, channelId: b.channelId }, 'membership') as AnyEnvelope,
    ]);
    await waitFor(() => refused(a.channelId, a.alice), 'refused after server.deleted');
    await waitFor(() => refused(b.channelId, b.alice), 'refused after channel.deleted');
  });

  it('role.changed, override.changed and member.updated (SPEC 15) drop cached answers too', async () => {
    const changes = [
      (c: Cached) =>
        createEnvelope('role.changed', 1, { serverId: c.serverId, roleId: c.serverId, change: 'updated', permissions: [] }, 'membership'),
      (c: Cached) =>
        createEnvelope(
          'override.changed',
          1,
          { serverId: c.serverId, channelId: c.channelId, roleId: c.serverId, allow: [], deny: ['READ_HISTORY'] },
          'membership',
        ),
      (c: Cached) => createEnvelope('member.updated', 1, { serverId: c.serverId, userId: c.alice.id, roleIds: [] }, 'membership'),
    ];
    for (const change of changes) {
      const cached = await cachedReader();
      const event = change(cached) as AnyEnvelope;
      await events.publishAll([event]);
      await waitFor(() => refused(cached.channelId, cached.alice), `refused after ${event.type}`);
    }
  });

  it('contract: an invalid envelope on the cache queue is dropped and the events after it still apply', async () => {
    const cached = await cachedReader();
    const bad = {
      ...createEnvelope('member.left', 1, { serverId: cached.serverId, userId: cached.alice.id }, 'membership'),
      type: 'role.changed',
    };
    await events.publishRaw('role.changed.v1', JSON.stringify(bad));
    await events.publishRaw('member.updated.v1', 'not json');
    await events.publishAll([
      createEnvelope('member.updated', 1, { serverId: cached.serverId, userId: cached.alice.id, roleIds: [] }, 'membership') as AnyEnvelope,
    ]);
    await waitFor(() => refused(cached.channelId, cached.alice), 'the valid event applied after the invalid ones');
  });
});
