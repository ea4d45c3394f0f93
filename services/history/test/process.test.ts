// history as a real process: SIGKILL in the middle of a stream loses nothing; SIGTERM flushes and acks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqplib from 'amqplib';
import mongoose, { type Connection } from 'mongoose';
import { topologyNames } from '@chorus/contracts';
import { isolated } from '../../../test/support/isolated.js';
import { FAST_WRITES } from '../../../test/support/tuning.js';
import { waitFor } from '../../../test/support/wait.js';
import { spawnHistory, type HistoryProcess } from './support/process.js';
import { createdEnvelope, hexId, idSequence, makeMessage, testPublisher, type TestPublisher } from './support/fixtures.js';

const iso = isolated('history-process');
const names = topologyNames(iso.amqpPrefix);
const env = iso.serviceEnv({ ...FAST_WRITES, PORT: '0', LOG_LEVEL: 'info' });
const author = { id: hexId(), username: 'alice' };
const nextId = idSequence();
let db: Connection;
let pub: TestPublisher;
const running = new Set<HistoryProcess>();

async function start(): Promise<HistoryProcess> {
  const p = await spawnHistory(env);
  running.add(p);
  void p.exited.then(() => running.delete(p));
  return p;
}

const stored = (channelId: string) => db.collection('messages').countDocuments({ channelId: new mongoose.Types.ObjectId(channelId) });
async function storedIds(channelId: string): Promise<string[]> {
  const docs = await db
    .collection('messages')
    .find({ channelId: new mongoose.Types.ObjectId(channelId) }, { projection: { _id: 1 } })
    .toArray();
  return docs.map((d) => d._id.toHexString());
}
async function queueReady(): Promise<number> {
  const conn = await amqplib.connect(iso.amqpUrl);
  try {
    return (await (await conn.createChannel()).checkQueue(names.historyQueue)).messageCount;
  } finally {
    await conn.close();
  }
}
const burst = (channelId: string, n: number) =>
  Array.from({ length: n }, (_, i) => makeMessage(nextId(), channelId, hexId(), author, `#${i}`));

beforeAll(async () => {
  db = await mongoose.createConnection(iso.mongoUri).asPromise();
  pub = await testPublisher(iso.amqpUrl, names);
});

afterAll(async () => {
  for (const p of running) p.child.kill('SIGKILL');
  await pub?.close();
  await db?.close();
  await iso.cleanup();
});

describe('history process', () => {
  it('killed (SIGKILL) while writing a stream, then restarted: every message is stored exactly once', async ({ annotate }) => {
    const channelId = hexId();
    const first = await start();
    const wave1 = burst(channelId, 6_000);
    await pub.publishAll(wave1.map(createdEnvelope));
    await waitFor(async () => (await stored(channelId)) > 0, 'the first batches to be stored', 30_000);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = await stored(channelId);
    await annotate(`stored ${atKill} of ${wave1.length} when the consumer was killed`);

    // While it is down, more arrives: it waits in the durable queue.
    const wave2 = burst(channelId, 2_000);
    await pub.publishAll(wave2.map(createdEnvelope));

    const second = await start();
    const all = [...wave1, ...wave2].map((m) => m.id);
    await waitFor(async () => (await stored(channelId)) >= all.length, 'every message after the restart', 60_000);
    // A marker published last, once stored, proves nothing else is still on its way.
    const marker = makeMessage(nextId(), channelId, hexId(), author, 'marker');
    await pub.publishAll([createdEnvelope(marker)]);
    await waitFor(async () => (await stored(channelId)) > all.length, 'the marker');
    const ids = await storedIds(channelId);
    expect(ids).toHaveLength(all.length + 1);
    expect(new Set(ids)).toEqual(new Set([...all, marker.id]));
    expect(await queueReady()).toBe(0);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 180_000);

  it('SIGTERM: stops consuming, writes and acks what it holds, exits 0; the rest stays queued', async () => {
    const channelId = hexId();
    const p = await start();
    const messages = burst(channelId, 4_000);
    await pub.publishAll(messages.map(createdEnvelope));
    await waitFor(async () => (await stored(channelId)) > 0, 'the first batches to be stored', 30_000);
    p.child.kill('SIGTERM');
    const { code } = await p.exited;
    expect(code, p.tail()).toBe(0);
    expect(p.logs().some((l) => l.msg === 'shutdown complete')).toBe(true);

    // Nothing was left unacked: what is stored was acked, what is not is back in the queue, nothing is both.
    const storedNow = await stored(channelId);
    expect(storedNow + (await queueReady())).toBe(messages.length);

    const next = await start();
    await waitFor(async () => (await stored(channelId)) === messages.length, 'the rest after a restart', 60_000);
    expect(new Set(await storedIds(channelId))).toEqual(new Set(messages.map((m) => m.id)));
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  }, 180_000);

  it('exits with a message naming the variable when the configuration is invalid', async () => {
    const bad = spawnHistory({ ...env, HISTORY_PREFETCH: 'lots' });
    await expect(bad).rejects.toThrow(/HISTORY_PREFETCH/);
  });
});
