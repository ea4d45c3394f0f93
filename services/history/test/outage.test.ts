// Dependencies going away under a running history service: MongoDB restarts (its own mongo-java-server
// with on-disk data, so this file can stop it without touching anyone else's) and the broker dropping
// the service's connection (what a RabbitMQ restart looks like to a client; done with rabbitmqctl so the
// shared broker keeps running for everyone else).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { Types } from 'mongoose';
import { topologyNames } from '@chorus/contracts';
import { createLogger } from '@chorus/runtime';
import { startMongoServer, type MongoServerHandle } from '../../../tools/mongo-server/index.mjs';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { loadConfig } from '../src/config.js';
import { migrateHistory } from '../../../test/support/migrate.js';
import { createHistoryService, type HistoryService } from '../src/service.js';
import { startAuthzStandIn, type AuthzStandIn } from './support/authz-stand-in.js';
import { createdEnvelope, hexId, idSequence, makeMessage, mintToken, testPublisher, type TestPublisher } from './support/fixtures.js';

const iso = isolated('history-outage');
const names = topologyNames(iso.amqpPrefix);
const logger = createLogger('history-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const author = { id: hexId(), username: 'alice' };
const serverId = hexId();
const nextId = idSequence();
let dataDir: string;
let mongo: MongoServerHandle;
let svc: HistoryService;
let pub: TestPublisher;
let authz: AuthzStandIn;

const burst = (channelId: string, n: number) =>
  Array.from({ length: n }, (_, i) => makeMessage(nextId(), channelId, serverId, author, `#${i}`));
const storedIds = async (channelId: string) =>
  (
    await svc.mongo
      .collection('messages')
      .find({ channelId: new Types.ObjectId(channelId) }, { projection: { _id: 1 } })
      .toArray()
  ).map((d) => d._id.toHexString());
const readiness = async () => (await request(svc.app).get('/readyz')).body as { checks: Record<string, boolean> };

/** Restarts on the same port (the service's URI names it); retries while the port is still held. */
async function restartMongo(port: number): Promise<MongoServerHandle> {
  return waitFor(() => startMongoServer({ port, dataDir }).catch(() => undefined), `mongo-server back on :${port}`, 30_000, 250);
}

function rabbitmqctlWorks(): boolean {
  try {
    execFileSync('rabbitmqctl', ['list_connections', 'pid', '-q'], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/** Forcibly closes every broker connection whose client name contains `marker`; returns how many. */
function closeBrokerConnections(marker: string): number {
  const out = execFileSync('rabbitmqctl', ['list_connections', 'pid', 'client_properties', '-q', '--no-table-headers'], {
    encoding: 'utf8',
  });
  const pids = out
    .split('\n')
    .filter((line) => line.includes(marker))
    .map((line) => line.split('\t')[0]!.trim());
  for (const pid of pids) execFileSync('rabbitmqctl', ['close_connection', pid, 'chorus history outage test'], { stdio: 'ignore' });
  return pids.length;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'chorus-history-outage-'));
  mongo = await startMongoServer({ port: 0, dataDir });
  authz = await startAuthzStandIn(iso.amqpUrl, names);
  const config = loadConfig(iso.serviceEnv({ MONGODB_URI: `${mongo.uri}/history_outage` }));
  await migrateHistory(config.MONGODB_URI);
  svc = createHistoryService(config, logger);
  await svc.ready;
  pub = await testPublisher(iso.amqpUrl, names);
}, 60_000);

afterAll(async () => {
  await pub?.close();
  await svc?.stop();
  await authz?.close();
  await mongo?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await iso.cleanup();
});

describe('history survives its dependencies restarting', () => {
  it('MongoDB restart: not ready and REST 503 meanwhile; what arrived during the outage is stored once it is back', async () => {
    const channelId = hexId();
    authz.setChannel(channelId, { serverId, ownerId: author.id, members: [] });
    const before = burst(channelId, 500);
    await pub.publishAll(before.map(createdEnvelope));
    await waitFor(async () => (await storedIds(channelId)).length === before.length, 'the first messages');

    const port = mongo.port;
    await mongo.stop();
    await waitFor(async () => (await readiness()).checks.mongodb === false, 'readiness to report MongoDB down', 30_000);
    const during = burst(channelId, 1_500);
    await pub.publishAll(during.map(createdEnvelope));
    const res = await request(svc.app)
      .get(`/api/channels/${channelId}/messages`)
      .set('Authorization', `Bearer ${mintToken(iso.keys.privateKey, author)}`);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('UNAVAILABLE');

    mongo = await restartMongo(port);
    const all = [...before, ...during].map((m) => m.id);
    await waitFor(async () => (await storedIds(channelId)).length >= all.length, 'the messages sent during the outage', 60_000);
    await waitFor(async () => Object.values((await readiness()).checks).every(Boolean), 'ready again', 30_000);
    const marker = makeMessage(nextId(), channelId, serverId, author, 'marker');
    await pub.publishAll([createdEnvelope(marker)]);
    await waitFor(async () => (await storedIds(channelId)).includes(marker.id), 'the marker');
    const ids = await storedIds(channelId);
    expect(ids).toHaveLength(all.length + 1);
    expect(new Set(ids)).toEqual(new Set([...all, marker.id]));
  }, 180_000);

  it.skipIf(!rabbitmqctlWorks())(
    'broker connection dropped: reconnects, re-attaches and loses nothing',
    async () => {
      const channelId = hexId();
      const first = burst(channelId, 3_000);
      await pub.publishAll(first.map(createdEnvelope));
      await waitFor(async () => (await storedIds(channelId)).length > 0, 'the stream to be flowing');
      expect(closeBrokerConnections(`history ${iso.amqpPrefix} pid ${process.pid}`)).toBeGreaterThan(0);
      const second = burst(channelId, 1_000);
      await pub.publishAll(second.map(createdEnvelope));
      const all = [...first, ...second].map((m) => m.id);
      await waitFor(async () => (await storedIds(channelId)).length >= all.length, 'every message after the reconnect', 60_000);
      await waitFor(async () => Object.values((await readiness()).checks).every(Boolean), 'ready again', 30_000);
      const marker = makeMessage(nextId(), channelId, serverId, author, 'marker');
      await pub.publishAll([createdEnvelope(marker)]);
      await waitFor(async () => (await storedIds(channelId)).includes(marker.id), 'the marker');
      const ids = await storedIds(channelId);
      expect(ids).toHaveLength(all.length + 1);
      expect(new Set(ids)).toEqual(new Set([...all, marker.id]));
    },
    180_000,
  );
});
