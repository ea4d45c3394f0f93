import type { Channel, ConsumeMessage } from 'amqplib';
import { HISTORY_BINDINGS, decodeEnvelope, declareWorkQueue, type AnyEnvelope, type TopologyNames } from '@chorus/contracts';
import type { AmqpConnectionManager, ChannelWrapper, Logger, Metrics } from '@chorus/runtime';
import type { MessageRepository } from '../messages/message.repository.js';
import { writeBatch } from './batch-writer.js';

export interface HistoryConsumerOptions {
  connection: AmqpConnectionManager;
  names: TopologyNames;
  repository: MessageRepository;
  logger: Logger;
  /** Bounded prefetch: unacked deliveries held at once. */
  prefetch: number;
  /** Envelopes per database write. */
  batchSize: number;
  /** How long a partial batch waits for more before it is written. */
  batchWaitMs: number;
  /** Called after channel.deleted / server.deleted were applied (e.g. to drop authorization caches). */
  onScopesDeleted?: (scopes: { channelIds: string[]; serverIds: string[] }) => void;
  metrics?: Metrics;
}

export interface HistoryConsumer {
  /** True while a consumer is attached to the history queue. */
  isAttached(): boolean;
  /** Resolves once the consumer is attached for the first time. */
  attached(): Promise<void>;
  /** Stops consuming, writes and acks what it holds, closes its channel. */
  stop(): Promise<void>;
}

/** One delivery, tied to the channel it came on: acks go back to that channel and no other. */
interface Held {
  ch: Channel;
  msg: ConsumeMessage;
  envelope: AnyEnvelope;
}

const HANDLED = new Set(['message.created', 'channel.deleted', 'server.deleted']);

/**
 * The history queue's consumer: validates each envelope (invalid → nack without requeue → DLQ),
 * batches valid ones (up to `batchSize` or `batchWaitMs`), writes a batch, then acks each of its
 * deliveries on the channel it arrived on. A database failure keeps the batch unacked and retries it
 * with capped backoff; if the broker channel dies meanwhile the broker redelivers and the write is
 * idempotent. The topology is declared and the consumer re-attached on every reconnect.
 */
export function createHistoryConsumer(options: HistoryConsumerOptions): HistoryConsumer {
  const { connection, names, repository, logger, prefetch, batchSize, batchWaitMs } = options;
  const log = logger.child({ component: 'history-consumer' });
  let current: { ch: Channel; consumerTag: string } | undefined;
  let wrapper: ChannelWrapper | undefined;
  let settingUp = false;
  let stopping = false;
  let buffer: Held[] = [];
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  let healTimer: NodeJS.Timeout | undefined;
  let markAttached: () => void = () => undefined;
  /** Wakes a write that is backing off, so stop() does not wait out the backoff. */
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(t);
        sleepers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  const firstAttach = new Promise<void>((resolve) => (markAttached = resolve));
  const envelopes = options.metrics?.counter('chorus_history_envelopes_total', 'Envelopes taken from the history queue, by outcome', [
    'outcome',
  ]);
  const batchWrites = options.metrics?.histogram('chorus_history_batch_write_seconds', 'Time to store one batch (successful attempts)');

  const settle = ({ ch, msg }: Pick<Held, 'ch' | 'msg'>, how: 'ack' | 'reject' | 'requeue') => {
    try {
      if (how === 'ack') ch.ack(msg);
      else ch.nack(msg, false, how === 'requeue');
    } catch {
      // The channel is gone: the broker redelivers the message, and storing it again is a no-op.
    }
  };

  const write = async (batch: Held[]) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const end = batchWrites?.startTimer();
        const result = await writeBatch(
          repository,
          batch.map((h) => h.envelope),
          log,
        );
        batch.forEach((held, i) => settle(held, result.rejected.has(i) ? 'reject' : 'ack'));
        end?.();
        envelopes?.inc({ outcome: 'inserted' }, result.inserted);
        envelopes?.inc({ outcome: 'duplicate' }, result.duplicates);
        envelopes?.inc({ outcome: 'rejected' }, result.rejected.size);
        const { channelIds, serverIds } = result.deletedScopes;
        if (channelIds.length + serverIds.length > 0) options.onScopesDeleted?.({ channelIds, serverIds });
        log.debug({ size: batch.length, inserted: result.inserted, duplicates: result.duplicates }, 'batch stored');
        return;
      } catch (err) {
        const live = batch.filter((h) => current?.ch === h.ch);
        if (stopping || live.length === 0) {
          // Nobody can ack these any more (or we are leaving): hand them back; redelivery is harmless.
          batch.forEach((held) => settle(held, 'requeue'));
          log.warn({ err: (err as Error).message, size: batch.length }, 'batch not stored; returned to the queue');
          return;
        }
        const delay = Math.min(100 * 2 ** attempt, 5_000);
        log.warn({ err: (err as Error).message, size: batch.length, attempt, retryInMs: delay }, 'batch not stored; retrying');
        await sleep(delay);
      }
    }
  };

  /** Writes what is buffered, one batch at a time; a single drain runs at once. */
  const drain = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    draining ??= (async () => {
      try {
        while (buffer.length > 0) {
          const batch = buffer.slice(0, batchSize);
          buffer = buffer.slice(batch.length);
          await write(batch);
        }
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  };

  const onDelivery = (ch: Channel, msg: ConsumeMessage | null) => {
    if (msg === null) {
      log.warn('history consumer cancelled by the broker');
      if (current?.ch === ch) current = undefined;
      scheduleHeal();
      return;
    }
    const parsed = decodeEnvelope(msg.content);
    if (!parsed.ok) {
      log.warn(
        { reason: parsed.reason, routingKey: msg.fields.routingKey, messageId: msg.properties.messageId },
        'invalid envelope; dead-lettering it',
      );
      settle({ ch, msg }, 'reject');
      envelopes?.inc({ outcome: 'invalid' });
      return;
    }
    if (!HANDLED.has(parsed.envelope.type)) {
      log.warn({ type: parsed.envelope.type, routingKey: msg.fields.routingKey }, 'unexpected event on the history queue; ignoring it');
      settle({ ch, msg }, 'ack');
      return;
    }
    buffer.push({ ch, msg, envelope: parsed.envelope });
    if (buffer.length >= batchSize || draining) void drain();
    else timer ??= setTimeout(() => void drain(), batchWaitMs);
  };

  const setup = async (ch: Channel) => {
    settingUp = true;
    ch.on('close', () => {
      if (current && current.ch !== ch) return; // an old channel; a newer one is consuming
      current = undefined;
      if (!stopping) log.warn('history consumer channel closed');
      scheduleHeal();
    });
    try {
      await declareWorkQueue(ch, names, names.historyQueue, HISTORY_BINDINGS);
      if (stopping) return;
      await ch.prefetch(prefetch);
      const { consumerTag } = await ch.consume(names.historyQueue, (msg) => onDelivery(ch, msg), { noAck: false });
      current = { ch, consumerTag };
      log.info({ queue: names.historyQueue, prefetch, batchSize }, 'consuming');
      markAttached();
    } finally {
      settingUp = false;
    }
  };

  const open = () => {
    const w = connection.createChannel({ name: 'history-consumer', confirm: false, setup });
    w.on('error', (err: Error) => log.warn({ err: err.message }, 'history consumer channel error'));
    wrapper = w;
  };

  /**
   * amqp-connection-manager re-runs `setup` after a reconnect, but not when only the channel died
   * (a channel error) or the broker cancelled the consumer (queue deleted): then a fresh channel is opened.
   */
  function scheduleHeal() {
    if (stopping || healTimer) return;
    healTimer = setTimeout(() => {
      healTimer = undefined;
      if (stopping || current || settingUp || !connection.isConnected()) {
        if (!stopping && !current) scheduleHeal();
        return;
      }
      log.info('reopening the history consumer channel');
      const old = wrapper;
      open();
      void old?.close().catch(() => undefined);
    }, 1_000);
    healTimer.unref();
  }

  open();

  return {
    isAttached: () => current !== undefined,
    attached: () => firstAttach,
    async stop() {
      if (stopping) return;
      stopping = true;
      if (healTimer) clearTimeout(healTimer);
      for (const wake of [...sleepers]) wake();
      const consumer = current;
      if (consumer) await consumer.ch.cancel(consumer.consumerTag).catch(() => undefined);
      await drain();
      await wrapper?.close().catch(() => undefined);
      current = undefined;
    },
  };
}
