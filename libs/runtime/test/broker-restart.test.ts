// The runtime's publisher and consumer across a restart of RabbitMQ itself: a private node (own name,
// ports and directories: the machine's broker is shared and never restarted), a quorum work queue.
// amqp-connection-manager reconnects; this shows that everything on top of it comes back by itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope, declareWorkQueue, queuePolicy, topologyNames, workQueueDeliveryLimit, type AnyEnvelope } from '@chorus/contracts';
import {
  connectBroker,
  createConsumer,
  createEventPublisher,
  createLogger,
  envelopeDecoder,
  type AmqpConnectionManager,
  type Consumer,
  type EventPublisher,
} from '@chorus/runtime';
import { rabbitNode, type RabbitNode } from '../../../test/faults/deps.js';
import { waitFor } from '../../../test/support/wait.js';

const logger = createLogger('broker-restart-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const names = topologyNames('restart', queuePolicy('quorum', 5));
const queue = 'restart.work';
const hex = (n: number) => n.toString(16).padStart(24, '0');
const left = (n: number) => createEnvelope('member.left', 1, { serverId: hex(1), userId: hex(n) }, 'membership') as AnyEnvelope;

const dir = mkdtempSync(join(tmpdir(), 'chorus-broker-restart-'));
let node: RabbitNode;
let broker: AmqpConnectionManager;
let publisher: EventPublisher;
const consumers: Consumer[] = [];
let reattached = 0;

/** Publishes until one is confirmed (while the broker is coming back, publishes are refused or unknown). */
const publishSurely = (envelope: AnyEnvelope) =>
  waitFor(
    () =>
      publisher.publish(envelope).then(
        () => true,
        () => false,
      ),
    `a confirmed publish of ${envelope.id}`,
    30_000,
    200,
  );

/** A consumer of the quorum work queue recording the users of the envelopes it handled. */
function consume(name: string, seen: Set<string>): Consumer {
  const consumer = createConsumer({
    connection: broker,
    name,
    logger,
    prefetch: 10,
    decode: envelopeDecoder,
    deliveryLimit: workQueueDeliveryLimit(names.queues, queue),
    declare: async (ch) => {
      await declareWorkQueue(ch, names, queue, ['member.left.*']);
      return queue;
    },
    onReattach: () => reattached++,
    handle: ({ value }) => {
      if (value.type === 'member.left') seen.add(value.payload.userId);
    },
  });
  consumers.push(consumer);
  return consumer;
}

beforeAll(async () => {
  node = await rabbitNode({ nodeName: `chorus-restart-${process.pid}@localhost`, dir, cookie: `restart${process.pid}` });
  await node.start();
  broker = connectBroker(node.url, logger, 'broker-restart-test');
  publisher = createEventPublisher({
    connection: broker,
    names,
    logger,
    setup: (ch) => declareWorkQueue(ch, names, queue, ['member.left.*']),
  });
}, 120_000);

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.close()));
  await publisher?.close();
  await broker?.close();
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('a RabbitMQ restart', () => {
  it('keeps what was confirmed, and the same publisher confirms again once the broker is back', async () => {
    const seen = new Set<string>();
    const first = consume('first', seen);
    await first.ready;
    await publishSurely(left(1));
    await waitFor(() => seen.has(hex(1)), 'the first message consumed');
    // Confirmed while nobody consumes, then the broker goes away: the quorum queue keeps it on disk.
    await first.close();
    await publishSurely(left(2));

    await node.stop();
    await waitFor(() => !publisher.isUp(), 'the publisher to see the broker gone');
    await expect(publisher.publish(left(3))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await node.start();

    await publishSurely(left(4));
    consume('after-restart', seen);
    await waitFor(() => seen.has(hex(2)) && seen.has(hex(4)), 'the kept and the new message consumed', 30_000);
  }, 120_000);

  it('a consumer attached before the restart re-attaches by itself and consumes again', async () => {
    // Alone on the queue, so every message goes to it.
    await Promise.all(consumers.splice(0).map((c) => c.close()));
    const seen = new Set<string>();
    const survivor = consume('survivor', seen);
    await survivor.ready;
    const before = reattached;
    await node.stop();
    await node.start();
    await waitFor(() => survivor.isUp() && reattached > before, 'the consumer to re-attach', 30_000);
    await publishSurely(left(5));
    await waitFor(() => seen.has(hex(5)), 'a message consumed after the restart', 30_000);
  }, 120_000);
});
