import type { AnyEnvelope } from '@chorus/contracts';
import { AppError, type EventPublisher, type Logger } from '@chorus/runtime';

/**
 * Broadcasts of reactions and read positions (`reaction.added|removed`, `read.updated` v1). They are
 * notifications of a state that history keeps — a client that missed one sees the truth on its next
 * history page or read-state request — so they go out with a publisher confirm but without an outbox:
 * a change is refused up front while the broker is down (`requireBroker`), and a publish that fails
 * afterwards is logged, not retried.
 */
export interface Announcer {
  requireBroker(): void;
  announce(envelope: AnyEnvelope): Promise<void>;
}

export function createAnnouncer(publisher: EventPublisher, logger: Logger): Announcer {
  return {
    requireBroker() {
      if (!publisher.isUp()) throw new AppError('UNAVAILABLE', 'Message broker is unavailable, try again');
    },
    async announce(envelope) {
      await publisher.publish(envelope).catch((err: unknown) => {
        logger.warn(
          { err, eventId: envelope.id, type: envelope.type },
          'engagement event not published (clients resync on their next read)',
        );
      });
    },
  };
}
