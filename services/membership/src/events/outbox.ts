import { parseEnvelope, type AnyEnvelope } from '@chorus/contracts';
import { AppError, parseJson, type EventPublisher, type Logger } from '@chorus/runtime';
import type { Models } from '../db/models.js';

export interface EventOutbox {
  /**
   * Makes `change` and announces it with `envelope`: the event is recorded first, then the change is
   * made, then the event is published (waiting for the broker's confirm) and the record deleted.
   * A refusal (AppError) means nothing changed: the record is deleted and the refusal rethrown. Any
   * other failure, or a crash, leaves the record to the relay, which publishes it only if it finds
   * that the change took effect. Callers never fail because of the broker.
   */
  record<T>(envelope: AnyEnvelope, change: () => Promise<T>): Promise<T>;
  /** Starts retrying what is pending (call once the service is ready). */
  startRelay(): void;
  /** Publishes whatever is due right now (the relay's tick; exposed for tests). */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Whether the change an event announces took effect, judged from the domain state (finishing it when
 * a crash left it half done). The relay asks before publishing a record nobody confirmed.
 */
export type ChangeVerifier = (envelope: AnyEnvelope) => Promise<boolean>;

/** How long the request that wrote a record owns it before the relay may take it. */
const CLAIM_MS = 10_000;
const BATCH = 100;

/**
 * An outbox without transactions. MongoDB could make the domain write and the record one atomic
 * write; mongo-java-server cannot, so the record comes first and the relay checks the domain before
 * publishing what a crashed request left behind. A crash anywhere therefore neither loses an event
 * nor announces a change that never happened. Delivery is at least once (consumers only drop caches,
 * rooms and messages, which is idempotent).
 */
export function createEventOutbox(deps: {
  models: Models;
  publisher: EventPublisher;
  verify: ChangeVerifier;
  logger: Logger;
  retryMs: number;
}): EventOutbox {
  const { models, publisher, verify, logger, retryMs } = deps;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<number> | undefined;
  let stopped = false;

  const publishAndForget = (id: unknown, envelope: AnyEnvelope) => publishEntry(deps, id, envelope);

  const flush = async (): Promise<number> => {
    if (!publisher.isUp()) return 0;
    let published = 0;
    for (let i = 0; i < BATCH && !stopped; i++) {
      const entry = await claimNext(models);
      if (!entry) break;
      const parsed = parseEnvelope(parseJson(entry.envelope));
      if (!parsed.ok) {
        logger.error({ outboxId: String(entry._id), reason: parsed.reason }, 'dropping invalid outbox entry');
        await models.Outbox.deleteOne({ _id: entry._id });
        continue;
      }
      if (!(await verify(parsed.envelope))) {
        logger.info({ outboxId: String(entry._id), type: parsed.envelope.type }, 'dropping an event whose change never took effect');
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
        logger.warn({ err }, 'outbox relay tick failed');
        return 0;
      })
      .finally(() => {
        ticking = undefined;
      });
  };

  return {
    async record<T>(envelope: AnyEnvelope, change: () => Promise<T>): Promise<T> {
      const id = await writeRecord(models, envelope, logger);
      let result: T;
      try {
        result = await change();
      } catch (err) {
        if (id !== undefined) {
          const settle =
            err instanceof AppError
              ? models.Outbox.deleteOne({ _id: id })
              : models.Outbox.updateOne({ _id: id }, { $set: { nextAttemptAt: new Date() } });
          await settle.catch(() => undefined);
        }
        throw err;
      }
      await publishAndForget(id, envelope);
      return result;
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

/** Claims the oldest due record for CLAIM_MS (another relay skips it meanwhile). */
function claimNext(models: Models) {
  const now = new Date();
  return models.Outbox.findOneAndUpdate(
    { nextAttemptAt: { $lte: now } },
    { $set: { nextAttemptAt: new Date(now.getTime() + CLAIM_MS) }, $inc: { attempts: 1 } },
    { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
  ).lean();
}

/** Publishes one event with a confirm and deletes its record; on failure the record is due again after `retryMs`. */
async function publishEntry(
  { models, publisher, logger, retryMs }: { models: Models; publisher: EventPublisher; logger: Logger; retryMs: number },
  id: unknown,
  envelope: AnyEnvelope,
): Promise<boolean> {
  try {
    await publisher.publish(envelope);
  } catch (err) {
    logger.warn({ err, eventId: envelope.id, type: envelope.type }, 'event not published yet; outbox will retry');
    // Due again at the relay's next tick, not after the whole claim.
    if (id !== undefined) {
      await models.Outbox.updateOne({ _id: id }, { $set: { nextAttemptAt: new Date(Date.now() + retryMs) } }).catch(() => undefined);
    }
    return false;
  }
  if (id !== undefined) await models.Outbox.deleteOne({ _id: id }).catch(() => undefined);
  return true;
}

/** Records an event before its change; `undefined` when the write failed (the event is then published directly after the change). */
async function writeRecord(models: Models, envelope: AnyEnvelope, logger: Logger): Promise<unknown> {
  try {
    const [doc] = await models.Outbox.create([
      {
        envelope: JSON.stringify(envelope),
        eventType: `${envelope.type}.v${envelope.version}`,
        createdAt: new Date(),
        nextAttemptAt: new Date(Date.now() + CLAIM_MS),
      },
    ]);
    return doc?._id;
  } catch (err) {
    // The change will most likely fail the same way; if it does not, the event is still published below.
    logger.warn({ err, eventId: envelope.id }, 'outbox write failed; publishing directly after the change');
    return undefined;
  }
}
