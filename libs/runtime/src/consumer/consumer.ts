import type { ConsumeMessage, Options } from 'amqplib';
import { QueueConsumer, type Consumer, type ConsumerContext, type ConsumerOptions, type Held, type Sink } from './queue-consumer.js';

/** A valid delivery as a handler sees it. */
export interface Delivery<T> {
  value: T;
  message: ConsumeMessage;
  /** Sends a reply (the RPC's answer) on the channel the request came on. */
  reply(queue: string, body: Buffer, options?: Options.Publish): void;
}

export interface MessageConsumerOptions<T> extends ConsumerOptions<T> {
  /**
   * Handles one delivery; up to `prefetch` run at once. Resolves → ack. Throws → logged with its stack
   * and dead-lettered: a message its handler cannot take never loops and never crashes the process.
   */
  handle(delivery: Delivery<T>): unknown;
}

/**
 * Consumes one message at a time per handler call (gateway membership and broadcasts, the authorization
 * RPC, cache invalidation). See `QueueConsumer` for the channel's lifecycle.
 */
export function createConsumer<T>(options: MessageConsumerOptions<T>): Consumer {
  const inFlight = new Set<Promise<void>>();
  const sink: Sink<T> = {
    accept(held: Held<T>, ctx: ConsumerContext) {
      const delivery: Delivery<T> = {
        value: held.value,
        message: held.message,
        reply: (queue, body, publish) => held.ch.sendToQueue(queue, body, publish),
      };
      const work = Promise.resolve()
        .then(() => options.handle(delivery))
        .then(
          () => ctx.settle(held, 'ack'),
          (err: unknown) => {
            ctx.log.error({ err, messageId: held.message.properties.messageId }, 'handler failed; dead-lettering the message');
            ctx.settle(held, 'dead-letter');
          },
        );
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
    async drain() {
      await Promise.allSettled([...inFlight]);
    },
  };
  return new QueueConsumer(options, sink);
}
