// The runtime's batch consumer against the real RabbitMQ: one `multiple` ack per stored batch must
// settle every delivery of the batch, and only those, with the refused ones dead-lettered first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routingKey, topologyNames } from '@chorus/contracts';
import { connectBroker, createBatchConsumer, createLogger, type AmqpConnectionManager, type Consumer } from '@chorus/runtime';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { hex, left, memberLeftConsumer, rawBroker, type RawBroker } from './support/member-left.js';

const iso = isolated('runtime-batch-consumer');
const names = topologyNames(iso.amqpPrefix);
const logger = createLogger('batch-consumer-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const queue = `${iso.amqpPrefix}.batch-consumer-test`;
/** Users the handler refuses for good (dead-lettered); any other user is stored. */
const REFUSED = new Set([hex(7), hex(13), hex(40)]);

let broker: AmqpConnectionManager;
let raw: RawBroker;
let consumer: Consumer;
const stored: string[] = [];
const batchSizes: number[] = [];

beforeAll(async () => {
  raw = await rawBroker(iso.amqpUrl, names);
  broker = connectBroker(iso.amqpUrl, logger, 'batch-consumer-test');
  consumer = createBatchConsumer({
    ...memberLeftConsumer(broker, logger, names, queue, 'test-batch-consumer', 100),
    batchSize: 16,
    batchWaitMs: 20,
    handle: async (values) => {
      batchSizes.push(values.length);
      const refused = new Set<number>();
      values.forEach((v, i) => {
        if (v.type !== 'member.left') return;
        if (REFUSED.has(v.payload.userId)) refused.add(i);
        else stored.push(v.payload.userId);
      });
      return refused;
    },
  });
  await consumer.ready;
});

afterAll(async () => {
  await consumer?.close().catch(() => undefined);
  await broker?.close();
  await raw?.close();
  await iso.cleanup([queue]);
});

describe('createBatchConsumer', () => {
  it('acks every stored delivery of each batch and dead-letters the refused ones, nothing more', async () => {
    for (let n = 1; n <= 50; n++) raw.ch.publish(names.eventsExchange, routingKey('member.left', 1), Buffer.from(JSON.stringify(left(n))));
    raw.ch.publish(names.eventsExchange, routingKey('member.left', 1), Buffer.from('{not json'));
    await raw.ch.waitForConfirms();
    await waitFor(() => stored.length === 47, 'the 47 storable deliveries to be handled');
    await waitFor(async () => (await raw.depth(names.dlq(queue))) === 4, 'three refused and one invalid dead letter');
    expect(batchSizes.some((size) => size > 1)).toBe(true);

    // Closing the channel returns whatever was left unacked to the queue: nothing may come back.
    await consumer.close();
    expect(await raw.depth(queue)).toBe(0);
    expect(new Set(stored).size).toBe(47);
    expect(stored.some((id) => REFUSED.has(id))).toBe(false);
  });
});
