import { createEnvelope, decodeEnvelope, type AnyEnvelope, type Message } from '@chorus/contracts';
import type { EventPublisher, Logger } from '@chorus/runtime';
import type { MessageRepository } from './message.repository.js';
import type { PendingEvent } from './message.schema.js';

export type MessageDeletedPayload = { id: string; channelId: string; serverId: string | null; deletedBy: string };

/**
 * Edits and deletes reach the gateways as `message.updated` / `message.deleted` (SPEC 4/5), through a
 * per-message outbox: the route stores the envelope with the change (one document write, no
 * transaction needed), then `deliver` publishes it with a confirm and clears it. Whatever is not
 * confirmed — broker trouble, or the process died in between — is republished by `sweep`, which runs
 * at start-up, after a failed publish (with backoff) and every minute. Delivery is at least once.
 */
export interface MessageEvents {
  updated(message: Message, correlationId?: string): { envelope: AnyEnvelope; pending: PendingEvent };
  deleted(payload: MessageDeletedPayload, correlationId?: string): { envelope: AnyEnvelope; pending: PendingEvent };
  /** Publishes a stored event and clears it; never throws (a failure leaves it for the sweep). */
  deliver(channelId: string, messageId: string, envelope: AnyEnvelope): Promise<void>;
  /** Republishes events older than the grace period; returns how many are still pending after it. */
  sweep(): Promise<number>;
  /** False while the broker is down: callers refuse the change up front. */
  isUp(): boolean;
  stop(): void;
}

export interface MessageEventsOptions {
  publisher: EventPublisher;
  repository: MessageRepository;
  logger: Logger;
  /** An event younger than this is left to the request that wrote it. */
  graceMs?: number;
  sweepEveryMs?: number;
}

export function createMessageEvents(options: MessageEventsOptions): MessageEvents {
  const { publisher, repository, logger } = options;
  const graceMs = options.graceMs ?? 10_000;
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryDelay = 1_000;
  let sweeping: Promise<number> | undefined;
  let stopped = false;

  const pendingOf = (envelope: AnyEnvelope): PendingEvent => ({ id: envelope.id, body: JSON.stringify(envelope), at: new Date() });

  const scheduleRetry = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void sweep();
    }, retryDelay);
    retryTimer.unref();
    retryDelay = Math.min(retryDelay * 2, 30_000);
  };

  const publishAndClear = (channelId: string, messageId: string, envelope: AnyEnvelope) =>
    publishStored(options, channelId, messageId, envelope);

  const runSweep = async (): Promise<number> => {
    let left = 0;
    for (;;) {
      const batch = await repository.pendingEvents(new Date(Date.now() - graceMs), 100);
      let published = 0;
      for (const item of batch) {
        const parsed = decodeEnvelope(item.event.body);
        if (!parsed.ok) {
          logger.error({ eventId: item.event.id, reason: parsed.reason }, 'stored message event is invalid; dropping it');
          await repository.clearPendingEvent(item.channelId, item.messageId, item.event.id);
          continue;
        }
        if (await publishAndClear(item.channelId, item.messageId, parsed.envelope)) published++;
        else left++;
      }
      if (batch.length < 100 || published === 0) break;
    }
    if (left > 0) scheduleRetry();
    else retryDelay = 1_000;
    return left;
  };

  const sweep = (): Promise<number> => {
    sweeping ??= runSweep()
      .catch((err: Error) => {
        logger.warn({ err }, 'message event sweep failed');
        scheduleRetry();
        return -1;
      })
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  };

  const interval = setInterval(() => void sweep(), sweepEveryMs);
  interval.unref();

  return {
    updated(message, correlationId) {
      const envelope = createEnvelope('message.updated', 1, message, 'history', correlationId) as AnyEnvelope;
      return { envelope, pending: pendingOf(envelope) };
    },
    deleted(payload, correlationId) {
      const envelope = createEnvelope('message.deleted', 1, payload, 'history', correlationId) as AnyEnvelope;
      return { envelope, pending: pendingOf(envelope) };
    },
    async deliver(channelId, messageId, envelope) {
      if (!(await publishAndClear(channelId, messageId, envelope))) scheduleRetry();
    },
    sweep,
    isUp: () => publisher.isUp(),
    stop() {
      stopped = true;
      clearInterval(interval);
      if (retryTimer) clearTimeout(retryTimer);
    },
  };
}

/** Publishes one stored event with a confirm, then clears it; false when the broker did not take it. */
async function publishStored(
  { publisher, repository, logger }: MessageEventsOptions,
  channelId: string,
  messageId: string,
  envelope: AnyEnvelope,
): Promise<boolean> {
  try {
    await publisher.publish(envelope);
  } catch (err) {
    logger.warn({ err, eventId: envelope.id, type: envelope.type, messageId }, 'message event not published yet; will retry');
    return false;
  }
  await repository.clearPendingEvent(channelId, messageId, envelope.id).catch((err: Error) => {
    // Published but still marked: the sweep publishes it once more (at least once).
    logger.warn({ err, eventId: envelope.id }, 'published message event not cleared');
  });
  return true;
}
