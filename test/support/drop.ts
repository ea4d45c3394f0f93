import amqplib from 'amqplib';
import type { Redis } from 'ioredis';
import { createRedisClient, isRedisCluster, type RedisTarget } from '@chorus/runtime';
import mongoose from 'mongoose';
import { topologyNames } from '@chorus/contracts';

/**
 * Removes what a test file or a benchmark run left in the shared dependencies. RabbitMQ keeps durable
 * queues and exchanges after the services stop, so they are deleted by name. Best effort: each helper
 * ignores what is already gone. No vitest import here: the benchmark uses it too.
 */
export async function dropDatabase(uri: string): Promise<void> {
  const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
}

export async function dropRedisKeys(target: string | RedisTarget, prefix: string): Promise<void> {
  const client = createRedisClient(typeof target === 'string' ? { url: target } : target, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    // On a Cluster every master holds its own slots: scan each, delete key by key (no cross-slot DEL).
    const nodes: Redis[] = isRedisCluster(client) ? client.nodes('master') : [client];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await Promise.all(keys.map((key) => node.del(key)));
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
}

/**
 * Deletes every durable queue of the topology under this prefix and `extraQueues` (a test's own), each
 * with its DLQ, and the topology's exchanges. A quorum queue left behind keeps a Raft member running in
 * the broker: a day of test runs' leftovers once made the shared broker stop answering.
 */
export async function dropBrokerNames(url: string, prefix: string, extraQueues: readonly string[] = []): Promise<void> {
  const n = topologyNames(prefix);
  const conn = await amqplib.connect(url);
  conn.on('error', () => undefined);
  try {
    const queues = [
      n.historyQueue,
      n.gatewayBroadcastQueue,
      n.authzQueue,
      n.dmActivityQueue,
      n.gatewayMembershipQueue('all'),
      ...extraQueues,
    ];
    const steps: Array<(ch: amqplib.Channel) => Promise<unknown>> = [
      ...queues.flatMap((q) => [q, n.dlq(q)]).map((name) => (ch: amqplib.Channel) => ch.deleteQueue(name)),
      ...[n.eventsExchange, n.deadLetterExchange].map((ex) => (ch: amqplib.Channel) => ch.deleteExchange(ex)),
    ];
    // A failed delete closes its channel, so each step gets a channel of its own.
    for (const step of steps) {
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      await step(ch).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
  } finally {
    await conn.close();
  }
}
