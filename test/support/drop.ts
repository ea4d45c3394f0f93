import amqplib from 'amqplib';
import { Redis } from 'ioredis';
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

export async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Deletes every queue (with its DLQ) and exchange of the topology under this prefix. */
export async function dropBrokerNames(url: string, prefix: string): Promise<void> {
  const n = topologyNames(prefix);
  const conn = await amqplib.connect(url);
  conn.on('error', () => undefined);
  try {
    const queues = [n.historyQueue, n.gatewayBroadcastQueue, n.authzQueue, n.gatewayMembershipQueue('all')];
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
