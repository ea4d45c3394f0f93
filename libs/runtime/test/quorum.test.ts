// Quorum work queues on the real RabbitMQ: the broker counts deliveries and dead-letters past the limit,
// a failed handler's message is tried again instead of dropped, and a queue that already exists with
// another type (a classic queue from before the switch) is adopted instead of breaking the service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type amqplib from 'amqplib';
import { QueueArgumentsMismatch, declareWorkQueue, queuePolicy, topologyNames, workQueueDeliveryLimit } from '@chorus/contracts';
import {
  connectBroker,
  createConsumer,
  createEventPublisher,
  createLogger,
  type AmqpConnectionManager,
  type Consumer,
} from '@chorus/runtime';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { hex, left, memberLeftConsumer, rawBroker, type RawBroker } from './support/member-left.js';

const iso = isolated('runtime-quorum');
const LIMIT = 4;
const names = topologyNames(iso.amqpPrefix, queuePolicy('quorum', LIMIT));
const logger = createLogger('quorum-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const queue = `${iso.amqpPrefix}.quorum-test`;
const legacy = `${iso.amqpPrefix}.legacy-classic`;
const crashing = `${iso.amqpPrefix}.crashing`;

let broker: AmqpConnectionManager;
let raw: RawBroker;
const consumers: Consumer[] = [];
/** Deliveries seen per user id, with the broker's delivery count of each. */
const seen = new Map<string, number[]>();
/** Users whose handler fails this many times before it succeeds (Infinity: always). */
const failures = new Map<string, number>([
  [hex(2), 2],
  [hex(3), Infinity],
]);
const done: string[] = [];

/** A throwaway channel for a step that may close it (a failed declaration). */
async function onOwnChannel<T>(step: (ch: amqplib.Channel) => Promise<T>): Promise<T> {
  const ch = await raw.conn.createChannel();
  ch.on('error', () => undefined);
  try {
    return await step(ch);
  } finally {
    await ch.close().catch(() => undefined);
  }
}

beforeAll(async () => {
  raw = await rawBroker(iso.amqpUrl, names);
  broker = connectBroker(iso.amqpUrl, logger, 'quorum-test');
  const consumer = createConsumer({
    ...memberLeftConsumer(broker, logger, names, queue, 'quorum-consumer'),
    deliveryLimit: workQueueDeliveryLimit(names.queues, queue),
    handle: ({ value, message }) => {
      if (value.type !== 'member.left') return;
      const user = value.payload.userId;
      const counts = seen.get(user) ?? [];
      counts.push(Number(message.properties.headers?.['x-delivery-count'] ?? 0));
      seen.set(user, counts);
      if (counts.length <= (failures.get(user) ?? 0)) throw new Error('not now');
      done.push(user);
    },
  });
  consumers.push(consumer);
  await consumer.ready;
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.close()));
  await broker?.close();
  await raw?.close();
  await iso.cleanup([queue, legacy, crashing]);
});

describe('quorum work queues', () => {
  it('retry a failed handler with the broker counting, and succeed when the failure passes', async () => {
    await raw.publish(left(1));
    await raw.publish(left(2));
    await waitFor(() => done.includes(hex(1)) && done.includes(hex(2)), 'both handled', 20_000);
    expect(seen.get(hex(1))).toEqual([0]);
    // Two failures, then success on the third delivery: the broker numbered the redeliveries.
    expect(seen.get(hex(2))).toEqual([0, 1, 2]);
    expect(await raw.depth(names.dlq(queue))).toBe(0);
  });

  it('dead-letter a message that always fails once the delivery limit is reached, and go on consuming', async () => {
    await raw.publish(left(3));
    await waitFor(async () => (await raw.depth(names.dlq(queue))) === 1, 'the poison message in the DLQ', 30_000);
    expect(seen.get(hex(3))).toHaveLength(LIMIT);
    expect(done).not.toContain(hex(3));
    await raw.publish(left(4));
    await waitFor(() => done.includes(hex(4)), 'the next message');
  });

  it('the broker itself dead-letters a message whose consumers keep dying with it (no counting in Chorus)', async () => {
    await onOwnChannel((ch) => declareWorkQueue(ch, names, crashing, []));
    raw.ch.sendToQueue(crashing, Buffer.from(JSON.stringify(left(9))), { persistent: true });
    await raw.ch.waitForConfirms();
    let deliveries = 0;
    for (let i = 0; i < LIMIT + 3 && (await raw.depth(names.dlq(crashing))) === 0; i++) {
      // A consumer that takes the message and dies before acking it (its channel closes).
      const got = await onOwnChannel(async (ch) => {
        await ch.prefetch(1);
        return await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 2_000);
          void ch.consume(crashing, (m) => {
            clearTimeout(timer);
            resolve(m !== null);
          });
        });
      });
      if (got) deliveries++;
      await waitFor(async () => (await raw.depth(crashing)) + (await raw.depth(names.dlq(crashing))) === 1, 'the message back');
    }
    expect(await raw.depth(names.dlq(crashing))).toBe(1);
    expect(await raw.depth(crashing)).toBe(0);
    expect(deliveries).toBe(LIMIT + 1);
  });

  it('adopt existing classic queues of the same names instead of failing for good', async () => {
    // What Chorus declared before quorum queues: a classic work queue and its classic DLQ.
    await onOwnChannel(async (ch) => {
      await ch.assertQueue(names.dlq(legacy), { durable: true });
      await ch.assertQueue(legacy, {
        durable: true,
        arguments: { 'x-dead-letter-exchange': names.deadLetterExchange, 'x-dead-letter-routing-key': names.dlq(legacy) },
      });
    });
    // Each declaration that meets one of them: PRECONDITION_FAILED, reported as QueueArgumentsMismatch.
    const mismatches: QueueArgumentsMismatch[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const err = await onOwnChannel((ch) => declareWorkQueue(ch, names, legacy, ['member.left.*'])).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (err === undefined) break;
      expect(err).toBeInstanceOf(QueueArgumentsMismatch);
      mismatches.push(err as QueueArgumentsMismatch);
    }
    expect(mismatches.map((m) => [m.queue, m.argument])).toEqual([
      [names.dlq(legacy), 'x-queue-type'],
      [legacy, 'x-queue-type'],
    ]);
    // From then on this process declares them passively; the consumer must not rely on a delivery limit.
    await onOwnChannel((ch) => declareWorkQueue(ch, names, legacy, ['member.left.*']));
    expect(workQueueDeliveryLimit(names.queues, legacy)).toBeUndefined();
  });

  it('a publisher whose declaration hit an existing queue of another type opens a fresh channel and publishes', async () => {
    const fresh = topologyNames(iso.amqpPrefix, queuePolicy('quorum', LIMIT));
    const publisher = createEventPublisher({
      connection: broker,
      names: fresh,
      logger,
      setup: (ch) => declareWorkQueue(ch, fresh, legacy, ['member.left.*']),
    });
    try {
      await waitFor(() => fresh.queues.adopted.has(legacy), 'the mismatch to be noticed');
      const before = await raw.depth(legacy);
      await waitFor(
        () =>
          publisher.publish(left(5)).then(
            () => true,
            () => false,
          ),
        'a confirmed publish on the reopened channel',
        20_000,
        500,
      );
      expect(await raw.depth(legacy)).toBeGreaterThan(before);
    } finally {
      await publisher.close();
    }
  });
});
