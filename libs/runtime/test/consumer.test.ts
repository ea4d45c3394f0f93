// The runtime's consumer against the real RabbitMQ: what every service's consumers rely on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqplib, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { createEnvelope, declareWorkQueue, routingKey, topologyNames, type AnyEnvelope } from '@chorus/contracts';
import { connectBroker, createConsumer, createLogger, envelopeDecoder, type AmqpConnectionManager, type Consumer } from '@chorus/runtime';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';

const iso = isolated('runtime-consumer');
const names = topologyNames(iso.amqpPrefix);
const logger = createLogger('consumer-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const queue = `${iso.amqpPrefix}.consumer-test`;
const hex = (n: number) => n.toString(16).padStart(24, '0');
const left = (n: number) => createEnvelope('member.left', 1, { serverId: hex(1), userId: hex(n) }, 'membership') as AnyEnvelope;

let broker: AmqpConnectionManager;
let raw: { conn: ChannelModel; ch: ConfirmChannel };
let consumer: Consumer;
const handled: string[] = [];
let reattached = 0;

const publish = async (body: Buffer | AnyEnvelope, key = routingKey('member.left', 1)) => {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  raw.ch.publish(names.eventsExchange, key, bytes, { persistent: true });
  await raw.ch.waitForConfirms();
};
const depth = async (name: string) => (await raw.ch.checkQueue(name)).messageCount;

beforeAll(async () => {
  const conn = await amqplib.connect(iso.amqpUrl);
  raw = { conn, ch: await conn.createConfirmChannel() };
  broker = connectBroker(iso.amqpUrl, logger, 'consumer-test');
  consumer = createConsumer({
    connection: broker,
    name: 'test-consumer',
    logger,
    declare: async (ch) => {
      await declareWorkQueue(ch, names, queue, ['member.left.*']);
      return queue;
    },
    prefetch: 10,
    decode: envelopeDecoder,
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
  await raw?.conn.close().catch(() => undefined);
  await iso.cleanup();
});

describe('createConsumer', () => {
  it('hands valid envelopes to the handler and acks them', async () => {
    await publish(left(1));
    await waitFor(() => handled.includes(hex(1)), 'the envelope to be handled');
    await waitFor(async () => (await depth(queue)) === 0, 'the queue to be empty');
  });

  it('dead-letters what does not decode and what the handler throws on, and keeps consuming', async () => {
    await publish(Buffer.from('{not json'));
    await publish(Buffer.from(JSON.stringify({ ...left(2), version: 99 })));
    await publish(left(666));
    await publish(left(3));
    await waitFor(() => handled.includes(hex(3)), 'the next valid envelope');
    await waitFor(async () => (await depth(names.dlq(queue))) === 3, 'three dead letters');
    expect(handled).not.toContain(hex(666));
  });

  it('re-declares and re-attaches after the broker cancels it (queue deleted)', async () => {
    await raw.ch.deleteQueue(queue);
    await waitFor(async () => consumer.isUp() && reattached > 0 && (await depth(queue)) >= 0, 're-attached', 15_000);
    await publish(left(4));
    await waitFor(() => handled.includes(hex(4)), 'an envelope after re-attaching', 15_000);
  });

  it('close() lets the handlers in hand finish and ack before the channel goes', async () => {
    await publish(left(5));
    await waitFor(async () => (await depth(queue)) === 0, 'the delivery to be taken');
    await consumer.close();
    expect(handled).toContain(hex(5));
    expect(consumer.isUp()).toBe(false);
    await publish(left(6));
    expect(await depth(queue)).toBe(1);
  });
});
