// The history consumer against real RabbitMQ and MongoDB (the mongo-java-server wire server in tests).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqplib from 'amqplib';
import request from 'supertest';
import { Types } from 'mongoose';
import { createEnvelope, parseEnvelope, topologyNames, type AnyEnvelope } from '@chorus/contracts';
import { createLogger } from '@chorus/runtime';
import { isolated } from '../../../test/support/isolated.js';
import { sampleSum } from '../../../test/support/metrics.js';
import { waitFor } from '../../../test/support/wait.js';
import { loadConfig } from '../src/config.js';
import { migrateHistory } from '../../../test/support/migrate.js';
import { createHistoryService, type HistoryService } from '../src/service.js';
import { createdEnvelope, hexId, idSequence, makeMessage, testPublisher, type TestPublisher } from './support/fixtures.js';

const iso = isolated('history-consumer');
const names = topologyNames(iso.amqpPrefix);
const logger = createLogger('history-test', process.env.TEST_LOG_LEVEL ?? 'silent');
let svc: HistoryService;
let pub: TestPublisher;
const author = { id: hexId(), username: 'alice' };
const nextId = idSequence();

const messages = () => svc.mongo.collection('messages');
const storedIds = async (channelId: string) =>
  (
    await messages()
      .find({ channelId: new Types.ObjectId(channelId) }, { projection: { _id: 1 } })
      .toArray()
  ).map((d) => d._id.toHexString());

/**
 * Returns once everything published before it has been fully processed (written, purged, acked): the
 * queue is FIFO and batches are written one after another, so once a second marker — published after
 * the first was visible, hence in a later batch — is stored, the first marker's batch is complete.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const marker = makeMessage(nextId(), hexId(), hexId(), author, 'marker');
    await pub.publishAll([createdEnvelope(marker)]);
    await waitFor(
      async () => (await messages().countDocuments({ _id: new Types.ObjectId(marker.id) })) === 1,
      'a marker to be stored',
      30_000,
    );
  }
}

/** The queue's ready count, or -1 while it does not exist (the broker then closes the channel: expected). */
async function queueDepth(queue: string): Promise<number> {
  const conn = await amqplib.connect(iso.amqpUrl);
  try {
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    const checked = await ch.checkQueue(queue).catch(() => undefined);
    return checked?.messageCount ?? -1;
  } finally {
    await conn.close();
  }
}

function shuffle<T>(items: T[]): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

beforeAll(async () => {
  const config = loadConfig(iso.serviceEnv());
  await migrateHistory(config.MONGODB_URI);
  svc = createHistoryService(config, logger);
  await svc.ready;
  pub = await testPublisher(iso.amqpUrl, names);
});

afterAll(async () => {
  await pub?.close();
  await svc?.stop();
  await iso.cleanup();
});

describe('history consumer', () => {
  it('stores a burst of 5,000 messages exactly once when each is published twice and out of order', async () => {
    const channels = [hexId(), hexId(), hexId()];
    const serverId = hexId();
    const burst = Array.from({ length: 5_000 }, (_, i) => makeMessage(nextId(), channels[i % 3]!, serverId, author, `burst ${i}`));
    // Every message twice: half as the very same envelope (a redelivery), half as a second envelope
    // for the same message (a producer retry); in blocks that are shuffled, so arrival is out of order.
    const envelopes = burst.flatMap((m, i) => {
      const first = createdEnvelope(m);
      return [first, i % 2 === 0 ? first : createdEnvelope(m)];
    });
    const blocks: AnyEnvelope[][] = [];
    for (let i = 0; i < envelopes.length; i += 137) blocks.push(envelopes.slice(i, i + 137));
    await pub.publishAll(shuffle(blocks).flatMap((b) => shuffle(b)));
    await settle();
    // Nothing valid was dead-lettered on the way.
    expect(await queueDepth(names.dlq(names.historyQueue))).toBe(0);

    const stored = (await Promise.all(channels.map(storedIds))).flat();
    expect(stored).toHaveLength(5_000);
    expect(new Set(stored)).toEqual(new Set(burst.map((m) => m.id)));
    const sample = burst[1234]!;
    const doc = await messages().findOne({ _id: new Types.ObjectId(sample.id) });
    expect(doc).toMatchObject({ content: 'burst 1234', author: { username: 'alice' }, editedAt: null, deletedAt: null });
    expect(doc!.createdAt).toEqual(new Date(sample.createdAt));
  }, 120_000);

  it('dead-letters invalid envelopes and keeps consuming', async () => {
    const dlq = names.dlq(names.historyQueue);
    const before = await queueDepth(dlq);
    const channelId = hexId();
    const good = makeMessage(nextId(), channelId, hexId(), author, 'after the bad ones');
    const badPayload = { ...createdEnvelope(good), payload: { ...good, content: undefined } };
    const unknownVersion = { ...createdEnvelope(good), version: 9 };
    await pub.publishRaw('message.created.v1', 'this is not JSON');
    await pub.publishRaw('message.created.v1', JSON.stringify(badPayload));
    await pub.publishRaw('message.created.v9', JSON.stringify(unknownVersion));
    await pub.publishRaw('channel.deleted.v1', JSON.stringify({ hello: 'world' }));
    await pub.publishAll([createdEnvelope(good)]);

    await waitFor(async () => (await storedIds(channelId)).length === 1, 'the valid message after the invalid ones');
    await waitFor(async () => (await queueDepth(dlq)) === before + 4, 'four dead letters');
    expect(await storedIds(channelId)).toEqual([good.id]);

    const conn = await amqplib.connect(iso.amqpUrl);
    try {
      const ch = await conn.createChannel();
      const bodies: string[] = [];
      for (let m = await ch.get(dlq, { noAck: true }); m; m = await ch.get(dlq, { noAck: true })) bodies.push(m.content.toString());
      expect(bodies).toContain('this is not JSON');
      expect(bodies.map((b) => (b.startsWith('{') ? parseEnvelope(JSON.parse(b)).ok : false))).not.toContain(true);
    } finally {
      await conn.close();
    }
    // No invalid envelope was stored, nothing is left in the work queue.
    expect(await messages().countDocuments({ channelId: new Types.ObjectId(channelId) })).toBe(1);
    await settle();
    expect(await queueDepth(names.historyQueue)).toBe(0);
  });

  it('deletes the messages of a deleted channel, including ones that arrive after the deletion', async () => {
    const serverId = hexId();
    const [doomed, kept] = [hexId(), hexId()];
    await pub.publishAll([doomed, kept, doomed, kept].map((c) => createdEnvelope(makeMessage(nextId(), c, serverId, author))));
    await settle();
    expect(await storedIds(doomed)).toHaveLength(2);

    await pub.publishAll([createEnvelope('channel.deleted', 1, { serverId, channelId: doomed }, 'membership') as AnyEnvelope]);
    // A message of the deleted channel that reaches history late (sent just before the deletion).
    await pub.publishAll([createdEnvelope(makeMessage(nextId(), doomed, serverId, author, 'late'))]);
    await settle();
    expect(await storedIds(doomed)).toEqual([]);
    expect(await storedIds(kept)).toHaveLength(2);
  });

  it('deletes every channel of a deleted server', async () => {
    const serverId = hexId();
    const other = hexId();
    const [a, b, c] = [hexId(), hexId(), hexId()];
    await pub.publishAll([a, b, a, b].map((ch) => createdEnvelope(makeMessage(nextId(), ch, serverId, author))));
    await pub.publishAll([createdEnvelope(makeMessage(nextId(), c, other, author))]);
    await settle();
    await pub.publishAll([
      createEnvelope('server.deleted', 1, { serverId, channelIds: [a, b], memberIds: [author.id] }, 'membership') as AnyEnvelope,
    ]);
    // Late message in a channel of that server that the event did not list (created in a race).
    const raced = hexId();
    await pub.publishAll([createdEnvelope(makeMessage(nextId(), raced, serverId, author, 'raced'))]);
    await settle();
    expect([...(await storedIds(a)), ...(await storedIds(b)), ...(await storedIds(raced))]).toEqual([]);
    expect(await storedIds(c)).toHaveLength(1);
  });

  it('re-attaches when the broker cancels its consumer (queue deleted) and keeps storing', async () => {
    const conn = await amqplib.connect(iso.amqpUrl);
    try {
      const ch = await conn.createChannel();
      await ch.deleteQueue(names.historyQueue);
    } finally {
      await conn.close();
    }
    // checkQueue fails until the queue exists again: only the consumer re-declares it.
    await waitFor(async () => svc.consumer.isUp() && (await queueDepth(names.historyQueue)) >= 0, 'the consumer to re-attach', 20_000);
    const channelId = hexId();
    const m = makeMessage(nextId(), channelId, hexId(), author);
    await pub.publishAll([createdEnvelope(m)]);
    await waitFor(async () => (await storedIds(channelId)).length === 1, 'a message after re-attaching', 20_000);
  }, 60_000);

  it('GET /metrics counts what it consumed, by outcome, and times the batch writes', async () => {
    const text = (await request(svc.app).get('/metrics').expect(200)).text;
    // Everything earlier in this file: the 5,000-message burst (each twice), the four invalid envelopes...
    expect(sampleSum(text, 'chorus_history_envelopes_total', { outcome: 'inserted', service: 'history' })).toBeGreaterThanOrEqual(5_000);
    expect(sampleSum(text, 'chorus_history_envelopes_total', { outcome: 'duplicate' })).toBeGreaterThan(0);
    expect(sampleSum(text, 'chorus_history_envelopes_total', { outcome: 'invalid' })).toBeGreaterThanOrEqual(4);
    expect(sampleSum(text, 'chorus_history_batch_write_seconds_count')).toBeGreaterThan(0);
  });
});
