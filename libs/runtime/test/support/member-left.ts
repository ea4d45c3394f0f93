import amqplib, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { createEnvelope, declareWorkQueue, routingKey, type AnyEnvelope, type TopologyNames } from '@chorus/contracts';
import { envelopeDecoder, type AmqpConnectionManager, type ConsumerOptions, type Logger } from '@chorus/runtime';

/**
 * What the runtime's broker tests route through their work queues: member.left v1 envelopes, told
 * apart by the user id `hex(n)`.
 */
export const hex = (n: number): string => n.toString(16).padStart(24, '0');
export const left = (n: number): AnyEnvelope =>
  createEnvelope('member.left', 1, { serverId: hex(1), userId: hex(n) }, 'membership') as AnyEnvelope;

/**
 * The options a test's consumer shares with the others: `queue`, declared as a work queue of `names`
 * bound to member.left, `prefetch` in flight (10 unless said), envelopes decoded. Add `handle` and
 * what the test is about.
 */
export function memberLeftConsumer(
  connection: AmqpConnectionManager,
  logger: Logger,
  names: TopologyNames,
  queue: string,
  name: string,
  prefetch = 10,
): ConsumerOptions<AnyEnvelope> {
  return {
    connection,
    name,
    logger,
    declare: async (ch) => {
      await declareWorkQueue(ch, names, queue, ['member.left.*']);
      return queue;
    },
    prefetch,
    decode: envelopeDecoder,
  };
}

/** A plain connection and confirm channel of the test's own, beside the runtime's: to publish and to look. */
export interface RawBroker {
  conn: ChannelModel;
  ch: ConfirmChannel;
  /** Publishes bytes or an envelope on the events exchange (persistent) and waits for the confirm. */
  publish(body: Buffer | AnyEnvelope, key?: string): Promise<void>;
  /** How many messages wait in `queue`. */
  depth(queue: string): Promise<number>;
  close(): Promise<void>;
}

export async function rawBroker(amqpUrl: string, names: TopologyNames): Promise<RawBroker> {
  const conn = await amqplib.connect(amqpUrl);
  const ch = await conn.createConfirmChannel();
  return {
    conn,
    ch,
    async publish(body, key = routingKey('member.left', 1)) {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      ch.publish(names.eventsExchange, key, bytes, { persistent: true });
      await ch.waitForConfirms();
    },
    depth: async (queue) => (await ch.checkQueue(queue)).messageCount,
    close: () => conn.close().catch(() => undefined),
  };
}
