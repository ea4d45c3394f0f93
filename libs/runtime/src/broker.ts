import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { encodeEnvelope, routingKey, type AnyEnvelope, type Envelope, type TopologyNames } from '@chorus/contracts';
import type { Logger } from './logger.js';
import { AppError } from './http/app-error.js';
import { splitUrls } from './config.js';

export type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
export type { ConfirmChannel, ConsumeMessage } from 'amqplib';

/**
 * A broker connection that reconnects by itself (every second) and re-runs each channel's setup
 * (topology, consumers) on every reconnect. Errors are logged, never thrown at the process. `url` may
 * name several nodes of a cluster separated by commas: amqp-connection-manager tries them in turn
 * (round robin) on every reconnect, so losing one node moves the connection to the next.
 */
export function connectBroker(url: string, logger: Logger, connectionName: string): AmqpConnectionManager {
  const connection = amqp.connect(splitUrls(url), {
    reconnectTimeInSeconds: 1,
    heartbeatIntervalInSeconds: 10,
    connectionOptions: { noDelay: true, clientProperties: { connection_name: connectionName } },
  });
  connection.on('connect', () => logger.info({ broker: 'up' }, 'broker connected'));
  connection.on('disconnect', ({ err }) => logger.warn({ broker: 'down', err }, 'broker disconnected'));
  connection.on('connectFailed', ({ err }) => logger.warn({ broker: 'down', err }, 'broker connection failed; retrying'));
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

/**
 * A publish whose outcome is unknown: the message was handed to the broker channel, but its confirm never
 * came (the channel closed, the confirm timed out, or the broker nacked it). The broker may hold it, so
 * the caller must not treat it as refused (e.g. free an idempotency key): it may retry the SAME message.
 * Still an UNAVAILABLE AppError, so callers that only care about "not confirmed" need no change.
 */
export class PublishOutcomeUnknown extends AppError {
  override name = 'PublishOutcomeUnknown';
  constructor(message = 'The message broker did not confirm the message; it may or may not have been stored') {
    super('UNAVAILABLE', message);
  }
}

export interface EventPublisher {
  /**
   * Resolves once the broker confirmed the message (persistent, on the events exchange). Rejects with
   * UNAVAILABLE: a plain AppError when the message was refused before it left (broker down, too many
   * confirms pending, blocked), a PublishOutcomeUnknown when it left and no confirm came.
   */
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
  let closed = false;
  /** The amqplib channel under the current wrapper, while it is open. */
  let live: ConfirmChannel | undefined;
  let reopenTimer: NodeJS.Timeout | undefined;
  const open = (): ChannelWrapper => {
    const wrapper: ChannelWrapper = connection.createChannel({
      name: 'publisher',
      confirm: true,
      json: false,
      publishTimeout: 5_000,
      setup: async (ch: ConfirmChannel) => {
        live = ch;
        ch.on('close', () => {
          if (live === ch) live = undefined;
          reopenIfOrphaned();
        });
        await ch.assertExchange(names.eventsExchange, 'topic', { durable: true });
        if (options.setup) await options.setup(ch);
      },
    });
    wrapper.on('error', (err) => logger.warn({ err }, 'publisher channel error'));
    return wrapper;
  };
  /**
   * amqp-connection-manager opens a new channel only after a reconnect: a channel the broker closed on
   * its own (a failed declaration, e.g. PRECONDITION_FAILED on an existing queue) would leave the
   * publisher without one for good. A second later, if the connection is up and no channel is open, a
   * fresh wrapper is made (what the old one still held fails as "outcome unknown").
   */
  const reopenIfOrphaned = () => {
    if (closed || reopenTimer) return;
    reopenTimer = setTimeout(() => {
      reopenTimer = undefined;
      if (closed || live || !connection.isConnected()) return;
      logger.warn('publisher channel closed by the broker; opening a fresh one');
      const old = channel;
      channel = open();
      void old.close().catch(() => undefined);
    }, 1_000);
    reopenTimer.unref();
  };
  let channel = open();

  return {
    get inFlight() {
      return inFlight;
    },
    isUp: () => connection.isConnected(),
    async publish(envelope) {
      if (!connection.isConnected()) throw new AppError('UNAVAILABLE', 'Message broker is unavailable, try again');
      if (inFlight >= maxInFlight) throw new AppError('UNAVAILABLE', 'Message broker is busy, try again');
      const body = encodeEnvelope(envelope);
      inFlight++;
      try {
        // amqp-connection-manager keeps a message whose channel closed before the confirm and sends it
        // again after the reconnect (same messageId: consumers dedupe); past publishTimeout it gives up.
        await channel.publish(names.eventsExchange, routingKey(envelope.type, envelope.version), body, {
          persistent: true,
          contentType: 'application/json',
          messageId: envelope.id,
          type: `${envelope.type}.v${envelope.version}`,
          ...(envelope.correlationId ? { correlationId: envelope.correlationId } : {}),
        });
      } catch (err) {
        logger.warn({ err, eventId: envelope.id, type: envelope.type }, 'publish not confirmed; outcome unknown');
        throw new PublishOutcomeUnknown();
      } finally {
        inFlight--;
      }
    },
    close: () => {
      closed = true;
      if (reopenTimer) clearTimeout(reopenTimer);
      return channel.close();
    },
  };
}
