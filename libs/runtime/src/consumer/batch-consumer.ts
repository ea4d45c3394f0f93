import { QueueConsumer, type Consumer, type ConsumerContext, type ConsumerOptions, type Held, type Sink } from './queue-consumer.js';

export interface BatchConsumerOptions<T> extends ConsumerOptions<T> {
  /** Values per `handle` call (≤ prefetch, or a batch never fills). */
  batchSize: number;
  /** How long a partial batch waits for more before it is handled anyway. */
  batchWaitMs: number;
  /**
   * Stores one batch and returns the positions it refused for good (dead-lettered); the rest are acked.
   * Throws when it could not store anything (a database outage): the batch stays unacked and is tried
   * again with capped backoff (100 ms → 5 s) while its channel lives; if the channel goes, the broker
   * redelivers, so `handle` must be idempotent.
   */
  handle(values: T[]): Promise<ReadonlySet<number> | void>;
}

/** Batches valid deliveries, writes one batch at a time, acks each batch on the channel its deliveries came on (history). */
class BatchSink<T> implements Sink<T> {
  private buffer: Held<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  /** Wakes a write that is backing off, so shutdown does not wait out the backoff. */
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly options: BatchConsumerOptions<T>) {}

  accept(held: Held<T>, ctx: ConsumerContext): void {
    this.buffer.push(held);
    if (this.buffer.length >= this.options.batchSize || this.draining) void this.drain(ctx);
    else this.timer ??= setTimeout(() => void this.drain(ctx), this.options.batchWaitMs);
  }

  /** Writes what is buffered, one batch at a time; a single drain runs at once. */
  drain(ctx: ConsumerContext): Promise<void> {
    if (ctx.isStopping()) for (const wake of [...this.sleepers]) wake();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.draining ??= (async () => {
      try {
        while (this.buffer.length > 0) await this.write(this.buffer.splice(0, this.options.batchSize), ctx);
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  private async write(batch: Held<T>[], ctx: ConsumerContext): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const rejected = await this.options.handle(batch.map((held) => held.value));
        settleStored(batch, rejected, ctx);
        return;
      } catch (err) {
        if (ctx.isStopping() || !batch.some((held) => ctx.isLive(held.ch))) {
          // Nobody can ack these any more (or we are leaving): hand them back; redelivery is harmless.
          batch.forEach((held) => ctx.settle(held, 'requeue'));
          ctx.log.warn({ err, size: batch.length }, 'batch not handled; returned to the queue');
          return;
        }
        const delay = Math.min(100 * 2 ** attempt, 5_000);
        ctx.log.warn({ err, size: batch.length, attempt, retryInMs: delay }, 'batch not handled; retrying');
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.sleepers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

/**
 * Dead-letters what the handler refused, then acks the rest with one `multiple` ack per channel (one
 * frame per batch instead of one per delivery, for this process and for the broker). Safe because
 * batches are written one at a time in arrival order: every earlier delivery of the channel was settled
 * already (earlier batches, invalid ones) or is in this batch.
 */
function settleStored<T>(batch: Held<T>[], rejected: ReadonlySet<number> | void, ctx: ConsumerContext): void {
  const lastOfChannel = new Map<Held<T>['ch'], Held<T>>();
  batch.forEach((held, i) => {
    if (rejected?.has(i)) ctx.settle(held, 'dead-letter');
    else lastOfChannel.set(held.ch, held);
  });
  for (const held of lastOfChannel.values()) ctx.settle(held, 'ack-through');
}

/** A consumer that hands its handler batches (`batchSize` or `batchWaitMs`, whichever comes first). */
export function createBatchConsumer<T>(options: BatchConsumerOptions<T>): Consumer {
  return new QueueConsumer(options, new BatchSink(options));
}
