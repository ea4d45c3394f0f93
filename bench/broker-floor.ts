// The floor under Chorus's send → ack: RabbitMQ's publisher confirm on its own. SPEC 5 acks a send only
// once the broker confirmed it (persistent, durable queue), so no Chorus send can be acked faster than
// this. Measured in the same run, on the same broker, at the workload's rate and message size, with a
// consumer acking as history does; nothing else of Chorus involved.
import amqplib from 'amqplib';
import { durableQueueArguments, queuePolicy, type QueueType } from '@chorus/contracts';
import { summarize, sleep, type LatencySummary } from './stats.js';

export interface BrokerFloorResult {
  /** Offered publishes per second, spread evenly. */
  rate: number;
  bytes: number;
  confirm: LatencySummary;
}

/**
 * Publishes `rate` persistent messages per second (in 10 ms ticks) to a durable queue of its own for
 * `durationMs` on a confirm channel, one confirm awaited per message, and returns the confirm latency.
 * The queue is deleted afterwards.
 */
export async function measureBrokerFloor(
  amqpUrl: string,
  queue: string,
  /** `queueType`: the type of the queue Chorus's messages go to (AMQP_QUEUE_TYPE, quorum by default). */
  opts: { rate: number; bytes: number; durationMs: number; warmupMs: number; queueType?: QueueType },
): Promise<BrokerFloorResult> {
  const conn = await amqplib.connect(amqpUrl, { noDelay: true });
  try {
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue(queue, { durable: true, arguments: durableQueueArguments(queuePolicy(opts.queueType ?? 'quorum'), false) });
    const consumer = await conn.createChannel();
    await consumer.prefetch(1_000);
    await consumer.consume(queue, (m) => m && consumer.ack(m));
    const body = Buffer.alloc(opts.bytes, 'x');
    const samples: number[] = [];
    const pending: Array<Promise<void>> = [];
    const t0 = performance.now();
    const end = t0 + opts.warmupMs + opts.durationMs;
    let sent = 0;
    while (performance.now() < end) {
      const due = Math.floor(((performance.now() - t0) * opts.rate) / 1000);
      for (; sent < due; sent++) {
        const start = performance.now();
        const measured = start - t0 >= opts.warmupMs;
        pending.push(
          new Promise<void>((resolve) =>
            ch.publish('', queue, body, { persistent: true }, () => {
              if (measured) samples.push(performance.now() - start);
              resolve();
            }),
          ),
        );
      }
      await sleep(10);
    }
    await Promise.all(pending);
    await ch.deleteQueue(queue);
    return { rate: opts.rate, bytes: opts.bytes, confirm: summarize(samples) };
  } finally {
    await conn.close().catch(() => undefined);
  }
}
