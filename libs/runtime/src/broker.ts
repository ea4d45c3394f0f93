import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { encodeEnvelope, routingKey, type AnyEnvelope, type Envelope, type TopologyNames } from '@chorus/contracts';
import type { Logger } from './logger.js';
import { AppError } from './http/app-error.js';

export type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
export type { ConfirmChannel, ConsumeMessage } from 'amqplib';

/**
 * A broker connection that reconnects by itself (every second) and re-runs each channel's setup
 * (topology, consumers) on every reconnect. Errors are logged, never thrown at the process.
 */
export function connectBroker(url: string, logger: Logger, connectionName: string): AmqpConnectionManager {
  const connection = amqp.connect([url], {
    reconnectTimeInSeconds: 1,
    heartbeatIntervalInSeconds: 10,
    connectionOptions: { noDelay: true, clientProperties: { connection_name: connectionName } },
  });
  connection.on('connect', () => logger.info({ broker: 'up' }, 'broker connected'));
  connection.on('disconnect', ({ err }) => logger.warn({ broker: 'down', err: err?.message }, 'broker disconnected'));
  connection.on('connectFailed', ({ err }) => logger.warn({ broker: 'down', err: err?.message }, 'broker connection failed; retrying'));
  connection.on('blocked', ({ reason }) => logger.warn({ reason }, 'broker blocked publishing'));
  connection.on('unblocked', () => logger.info('broker unblocked publishing'));
  return connection;
}

export interface EventPublisherOptions {
  connection: AmqpConnectionManager;
  names: TopologyNames;
  logger: Logger;
  /** Publishes beyond this many unconfirmed messages are refused with UNAVAILABLE (back-pressure). */
  maxInFlight?: number;
  /** Topology to (re)declare on every reconnect, before anything is published. */
  setup?: (channel: ConfirmChannel) => Promise<void>;
}

export interface EventPublisher {
  /** Resolves once the broker confirmed the message (persistent, on the events exchange); UNAVAILABLE otherwise. */
  publish(envelope: AnyEnvelope | Envelope): Promise<void>;
  readonly inFlight: number;
  isUp(): boolean;
  close(): Promise<void>;
}

/**
 * Publishes envelopes on one confirm channel with many confirms in flight (no channel per message).
 * When the broker is down or too many confirms are pending it fails fast with UNAVAILABLE instead of
 * buffering without bound.
 */
export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const { connection, names, logger } = options;
  const maxInFlight = options.maxInFlight ?? 10_000;
  let inFlight = 0;
  const channel: ChannelWrapper = connection.createChannel({
    name: 'publisher',
    confirm: true,
    json: false,
    publishTimeout: 5_000,
    setup: async (ch: ConfirmChannel) => {
      await ch.assertExchange(names.eventsExchange, 'topic', { durable: true });
      if (options.setup) await options.setup(ch);
    },
  });
  channel.on('error', (err) => logger.warn({ err }, 'publisher channel error'));

  return {
    get inFlight() {
      return inFlight;
    },
    isUp: () => connection.isConnected(),
    async publish(envelope) {
      if (!connection.isConnected()) throw new AppError('UNAVAILABLE', 'Message broker is unavailable, try again');
      if (inFlight >= maxInFlight) throw new AppError('UNAVAILABLE', 'Message broker is busy, try again');
      inFlight++;
      try {
        await channel.publish(names.eventsExchange, routingKey(envelope.type, envelope.version), encodeEnvelope(envelope), {
          persistent: true,
          contentType: 'application/json',
          messageId: envelope.id,
          type: `${envelope.type}.v${envelope.version}`,
          ...(envelope.correlationId ? { correlationId: envelope.correlationId } : {}),
        });
      } catch (err) {
        logger.warn({ err, eventId: envelope.id, type: envelope.type }, 'publish not confirmed');
        throw new AppError('UNAVAILABLE', 'Message broker did not accept the message, try again');
      } finally {
        inFlight--;
      }
    },
    close: () => channel.close(),
  };
}
