import { HISTORY_BINDINGS, declareWorkQueue, type AnyEnvelope, type TopologyNames } from '@chorus/contracts';
import {
  createBatchConsumer,
  envelopeDecoder,
  type AmqpConnectionManager,
  type Consumer,
  type Logger,
  type Metrics,
} from '@chorus/runtime';
import type { MessageRepository } from '../messages/message.repository.js';
import { writeBatch, type BatchSideEffects, type DeletedScopes } from './batch-writer.js';

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
  onScopesDeleted?: (scopes: DeletedScopes) => void;
  metrics?: Metrics;
  /** Read states and reactions kept in step with the messages (see writeBatch). */
  effects?: BatchSideEffects;
}

/**
 * The history queue's consumer (the runtime's batch consumer): invalid envelopes are dead-lettered,
 * valid ones written in batches by `writeBatch` (idempotent, so redelivery is harmless), each delivery
 * acked after its batch is stored; a database outage keeps the batch unacked and retries it.
 */
export function createHistoryConsumer(options: HistoryConsumerOptions): Consumer {
  const { names, repository, metrics } = options;
  const log = options.logger.child({ component: 'history-consumer' });
  const envelopes = metrics?.counter('chorus_history_envelopes_total', 'Envelopes taken from the history queue, by outcome', ['outcome']);
  const batchWrites = metrics?.histogram('chorus_history_batch_write_seconds', 'Time to store one batch (successful attempts)');

  const store = async (batch: AnyEnvelope[]): Promise<ReadonlySet<number>> => {
    const end = batchWrites?.startTimer();
    const result = await writeBatch(repository, batch, log, options.effects);
    end?.();
    envelopes?.inc({ outcome: 'inserted' }, result.inserted);
    envelopes?.inc({ outcome: 'duplicate' }, result.duplicates);
    envelopes?.inc({ outcome: 'rejected' }, result.rejected.size);
    const { channelIds, serverIds } = result.deletedScopes;
    if (channelIds.length + serverIds.length > 0) options.onScopesDeleted?.(result.deletedScopes);
    log.debug({ size: batch.length, inserted: result.inserted, duplicates: result.duplicates }, 'batch stored');
    return result.rejected;
  };

  return createBatchConsumer({
    connection: options.connection,
    name: 'history-consumer',
    logger: log,
    declare: async (ch) => {
      await declareWorkQueue(ch, names, names.historyQueue, HISTORY_BINDINGS);
      return names.historyQueue;
    },
    prefetch: options.prefetch,
    decode: envelopeDecoder,
    onInvalid: () => envelopes?.inc({ outcome: 'invalid' }),
    batchSize: options.batchSize,
    batchWaitMs: options.batchWaitMs,
    handle: store,
  });
}
