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
   * and dead-lettered (or retried, see `deliveryLimit`): a message its handler cannot take never loops
   * and never crashes the process.
   */
  handle(delivery: Delivery<T>): unknown;
  /**
   * Set when the queue counts deliveries itself (a quorum queue's `x-delivery-limit`, from
   * `workQueueDeliveryLimit`): a delivery whose handler threw is then returned to the queue after a
   * backoff (100 ms doubling to 5 s) and tried again, and the broker dead-letters it past the limit — a
   * transient failure (Redis away while relaying) no longer loses the message. Without it, or when the
   * broker turns out not to count (a redelivery without `x-delivery-count`: a classic queue), the
   * message is dead-lettered at once.
   */
  deliveryLimit?: number;
}

/** What to do with a delivery whose handler threw: try again later (the broker counts) or dead-letter it now. */
export function afterFailure(message: ConsumeMessage, deliveryLimit: number | undefined): { retryInMs: number } | 'dead-letter' {
  if (deliveryLimit === undefined) return 'dead-letter';
  const header: unknown = message.properties.headers?.['x-delivery-count'];
  const count = typeof header === 'number' ? header : undefined;
  if (count === undefined && message.fields.redelivered) return 'dead-letter';
  const deliveries = (count ?? 0) + 1;
  if (deliveries >= deliveryLimit) return 'dead-letter';
  return { retryInMs: Math.min(100 * 2 ** (deliveries - 1), 5_000) };
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
          async (err: unknown) => {
            const messageId = held.message.properties.messageId;
            const next = afterFailure(held.message, options.deliveryLimit);
            if (next === 'dead-letter') {
              ctx.log.error({ err, messageId }, 'handler failed; dead-lettering the message');
              return ctx.settle(held, 'dead-letter');
            }
            ctx.log.warn({ err, messageId, retryInMs: next.retryInMs }, 'handler failed; returning the message for another try');
            if (!ctx.isStopping()) await new Promise((r) => setTimeout(r, next.retryInMs));
            ctx.settle(held, 'requeue');
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
