import type { Channel, ConsumeMessage } from 'amqplib';
import { decodeEnvelope, type AnyEnvelope } from '@chorus/contracts';
import type { AmqpConnectionManager, ChannelWrapper, Logger } from '@chorus/runtime';

export interface EnvelopeConsumerOptions {
  connection: AmqpConnectionManager;
  name: string;
  logger: Logger;
  /** Declares the topology `queue` needs; re-run on every reconnect, before consuming. */
  declare(channel: Channel): Promise<unknown>;
  queue: string;
  prefetch: number;
  handle(envelope: AnyEnvelope): void | Promise<void>;
  /** Called after every reconnect (not the first connect): events may have been missed meanwhile. */
  onReconnect?(): void;
}

export interface EnvelopeConsumer {
  /** Stops taking messages (unacked ones go back to the queue for another consumer). */
  cancel(): Promise<void>;
  close(): Promise<void>;
  isUp(): boolean;
}

/**
 * Consumes envelopes from one queue with manual acks and bounded prefetch. An envelope that fails
 * validation is rejected without requeue (→ the queue's DLQ) and never reaches `handle`; a handler failure
 * is logged and dead-lettered too, so nothing loops and nothing crashes the process.
 */
export function createEnvelopeConsumer(options: EnvelopeConsumerOptions): EnvelopeConsumer {
  const { logger, queue } = options;
  let connects = 0;
  let up = false;
  let wrapper: ChannelWrapper | undefined;

  const onMessage = (msg: ConsumeMessage) => {
    const w = wrapper;
    if (!w) return;
    const parsed = decodeEnvelope(msg.content);
    if (!parsed.ok) {
      logger.warn({ queue, reason: parsed.reason, messageId: msg.properties.messageId }, 'invalid envelope dead-lettered');
      w.nack(msg, false, false);
      return;
    }
    const { envelope } = parsed;
    Promise.resolve()
      .then(() => options.handle(envelope))
      .then(
        () => w.ack(msg),
        (err: unknown) => {
          logger.error({ err, queue, eventId: envelope.id, type: envelope.type }, 'event handler failed; dead-lettered');
          w.nack(msg, false, false);
        },
      )
      .catch((err: unknown) => logger.warn({ err, queue }, 'could not settle a message (channel closed); it will be redelivered'));
  };

  wrapper = options.connection.createChannel({
    name: options.name,
    confirm: false,
    setup: async (channel: Channel) => {
      await options.declare(channel);
    },
  });
  wrapper.on('error', (err) => logger.warn({ err, consumer: options.name }, 'consumer channel error'));
  wrapper.on('connect', () => {
    up = true;
    if (connects++ > 0) {
      logger.info({ consumer: options.name }, 'consumer reconnected');
      options.onReconnect?.();
    }
  });
  wrapper.on('close', () => {
    up = false;
  });
  options.connection.on('disconnect', () => {
    up = false;
  });
  void wrapper.consume(queue, onMessage, { prefetch: options.prefetch, noAck: false }).catch((err: unknown) => {
    logger.warn({ err, consumer: options.name }, 'consumer not started yet; it starts on reconnect');
  });

  return {
    async cancel() {
      await wrapper?.cancelAll().catch(() => undefined);
    },
    async close() {
      const w = wrapper;
      wrapper = undefined;
      up = false;
      await w?.cancelAll().catch(() => undefined);
      await w?.close().catch(() => undefined);
    },
    isUp: () => up,
  };
}
