import { AppError, type AmqpConnectionManager, type EventPublisher } from '@chorus/runtime';

/**
 * The publisher, refusing at once (UNAVAILABLE) while RabbitMQ has blocked this connection (memory or
 * disk alarm) instead of letting sends wait for a confirm that cannot come. The runtime publisher already
 * refuses when the broker is down or too many confirms are pending, so nothing is ever buffered without bound.
 */
export function withBackPressure(publisher: EventPublisher, connection: AmqpConnectionManager): EventPublisher {
  let blocked = false;
  connection.on('blocked', () => {
    blocked = true;
  });
  connection.on('unblocked', () => {
    blocked = false;
  });
  connection.on('disconnect', () => {
    blocked = false;
  });
  return {
    get inFlight() {
      return publisher.inFlight;
    },
    isUp: () => publisher.isUp() && !blocked,
    publish(envelope) {
      if (blocked) return Promise.reject(new AppError('UNAVAILABLE', 'Message broker is applying back-pressure, try again'));
      return publisher.publish(envelope);
    },
    close: () => publisher.close(),
  };
}
