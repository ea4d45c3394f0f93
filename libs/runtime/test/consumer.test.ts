// The runtime's consumer against the real RabbitMQ: what every service's consumers rely on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologyNames } from '@chorus/contracts';
import { connectBroker, createConsumer, createLogger, type AmqpConnectionManager, type Consumer } from '@chorus/runtime';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { hex, left, memberLeftConsumer, rawBroker, type RawBroker } from './support/member-left.js';

const iso = isolated('runtime-consumer');
const names = topologyNames(iso.amqpPrefix);
const logger = createLogger('consumer-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const queue = `${iso.amqpPrefix}.consumer-test`;

let broker: AmqpConnectionManager;
let raw: RawBroker;
let consumer: Consumer;
const handled: string[] = [];
let reattached = 0;

beforeAll(async () => {
  raw = await rawBroker(iso.amqpUrl, names);
  broker = connectBroker(iso.amqpUrl, logger, 'consumer-test');
  consumer = createConsumer({
    ...memberLeftConsumer(broker, logger, names, queue, 'test-consumer'),
    healDelayMs: 200,
    onReattach: () => reattached++,
    handle: async ({ value }) => {
      if (value.type !== 'member.left') return;
      if (value.payload.userId === hex(666)) throw new Error('this handler cannot take it');
      await new Promise((r) => setTimeout(r, 50));
      handled.push(value.payload.userId);
    },
  });
  await consumer.ready;
});

afterAll(async () => {
  await consumer?.close();
  await broker?.close();
  await raw?.close();
  await iso.cleanup([queue]);
});

describe('createConsumer', () => {
  it('hands valid envelopes to the handler and acks them', async () => {
    await raw.publish(left(1));
    await waitFor(() => handled.includes(hex(1)), 'the envelope to be handled');
    await waitFor(async () => (await raw.depth(queue)) === 0, 'the queue to be empty');
  });

  it('dead-letters what does not decode and what the handler throws on, and keeps consuming', async () => {
    await raw.publish(Buffer.from('{not json'));
    await raw.publish(Buffer.from(JSON.stringify({ ...left(2), version: 99 })));
    await raw.publish(left(666));
    await raw.publish(left(3));
    await waitFor(() => handled.includes(hex(3)), 'the next valid envelope');
    await waitFor(async () => (await raw.depth(names.dlq(queue))) === 3, 'three dead letters');
    expect(handled).not.toContain(hex(666));
  });

  it('re-declares and re-attaches after the broker cancels it (queue deleted)', async () => {
    await raw.ch.deleteQueue(queue);
    await waitFor(async () => consumer.isUp() && reattached > 0 && (await raw.depth(queue)) >= 0, 're-attached', 15_000);
    await raw.publish(left(4));
    await waitFor(() => handled.includes(hex(4)), 'an envelope after re-attaching', 15_000);
  });

  it('close() lets the handlers in hand finish and ack before the channel goes', async () => {
    await raw.publish(left(5));
    await waitFor(async () => (await raw.depth(queue)) === 0, 'the delivery to be taken');
    await consumer.close();
    expect(handled).toContain(hex(5));
    expect(consumer.isUp()).toBe(false);
    await raw.publish(left(6));
    expect(await raw.depth(queue)).toBe(1);
  });
});
