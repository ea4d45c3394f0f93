import { parseEnvelope, type AnyEnvelope } from '@chorus/contracts';
import type { EventPublisher, Logger } from '@chorus/runtime';
import type { Models } from '../db/models.js';

export interface EventOutbox {
  /**
   * Records the event, publishes it and waits for the broker's confirm. When the broker refuses, the
   * event stays in the outbox and the relay retries it: callers never fail because of the broker.
   */
  emit(envelope: AnyEnvelope): Promise<void>;
  /** Starts retrying what is pending (call once the service is ready). */
  startRelay(): void;
  /** Publishes whatever is due right now (the relay's tick; exposed for tests). */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

/** How long the immediate publish owns an entry before the relay may take it. */
const CLAIM_MS = 10_000;
const BATCH = 100;

/**
 * Transactional-outbox-lite: without MongoDB transactions the domain write and the outbox write are not
 * atomic, so the outbox entry is written right after the domain write and deleted once published. A
 * crash between the two loses that one event; gateways then converge through their authz cache TTL.
 * Delivery is at least once (consumers only drop caches and rooms, which is idempotent).
 */
export function createEventOutbox(deps: { models: Models; publisher: EventPublisher; logger: Logger; retryMs: number }): EventOutbox {
  const { models, publisher, logger, retryMs } = deps;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<number> | undefined;
  let stopped = false;

  const publishAndForget = async (id: unknown, envelope: AnyEnvelope): Promise<boolean> => {
    try {
      await publisher.publish(envelope);
    } catch (err) {
      logger.warn({ err: (err as Error).message, eventId: envelope.id, type: envelope.type }, 'event not published yet; outbox will retry');
      // Due again at the relay's next tick, not after the whole claim.
      if (id !== undefined) {
        await models.Outbox.updateOne({ _id: id }, { $set: { nextAttemptAt: new Date(Date.now() + retryMs) } }).catch(() => undefined);
      }
      return false;
    }
    if (id !== undefined) await models.Outbox.deleteOne({ _id: id }).catch(() => undefined);
    return true;
  };

  const flush = async (): Promise<number> => {
    if (!publisher.isUp()) return 0;
    let published = 0;
    for (let i = 0; i < BATCH && !stopped; i++) {
      const now = new Date();
      const entry = await models.Outbox.findOneAndUpdate(
        { nextAttemptAt: { $lte: now } },
        { $set: { nextAttemptAt: new Date(now.getTime() + CLAIM_MS) }, $inc: { attempts: 1 } },
        { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
      ).lean();
      if (!entry) break;
      let raw: unknown;
      try {
        raw = JSON.parse(entry.envelope);
      } catch {
        raw = undefined;
      }
      const parsed = parseEnvelope(raw);
      if (!parsed.ok) {
        logger.error({ outboxId: String(entry._id), reason: parsed.reason }, 'dropping invalid outbox entry');
        await models.Outbox.deleteOne({ _id: entry._id });
        continue;
      }
      if (!(await publishAndForget(entry._id, parsed.envelope))) break;
      published++;
    }
    return published;
  };

  const tick = () => {
    if (stopped || ticking) return;
    ticking = flush()
      .catch((err: Error) => {
        logger.warn({ err: err.message }, 'outbox relay tick failed');
        return 0;
      })
      .finally(() => {
        ticking = undefined;
      });
  };

  return {
    async emit(envelope) {
      let id: unknown;
      try {
        const [doc] = await models.Outbox.create([
          {
            envelope: JSON.stringify(envelope),
            eventType: `${envelope.type}.v${envelope.version}`,
            createdAt: new Date(),
            nextAttemptAt: new Date(Date.now() + CLAIM_MS),
          },
        ]);
        id = doc?._id;
      } catch (err) {
        logger.warn({ err: (err as Error).message, eventId: envelope.id }, 'outbox write failed; publishing directly');
      }
      await publishAndForget(id, envelope);
    },
    startRelay() {
      if (timer || stopped) return;
      timer = setInterval(tick, retryMs);
      timer.unref();
    },
    flush,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await ticking;
    },
  };
}
