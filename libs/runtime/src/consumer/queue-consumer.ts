import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../logger.js';
import type { Decoder } from './decoders.js';

/** What every consumer is told, whatever it does with its messages. */
export interface ConsumerOptions<T> {
  connection: AmqpConnectionManager;
  /** Names the consumer in logs and its channel in amqp-connection-manager. */
  name: string;
  logger: Logger;
  /**
   * Declares the queue and what it needs (exchanges, bindings, dead-lettering; from `libs/contracts`)
   * and returns the queue's name. Runs on every new channel: after each reconnect and each heal.
   */
  declare(channel: Channel): Promise<string>;
  /** Unacked deliveries the broker may hand over at once (bounded prefetch). */
  prefetch: number;
  /** Bytes → value (`envelopeDecoder`, `jsonDecoder`); what fails is dead-lettered, never handled. */
  decode: Decoder<T>;
  /** Told about each delivery that failed to decode, after it was dead-lettered (to count it). */
  onInvalid?(reason: string): void;
  /** Called each time the consumer attaches again after a reconnect or heal: events may have been missed. */
  onReattach?(): void;
  /** How long after a cancel or a lost channel a fresh channel is opened. Default 1 s. */
  healDelayMs?: number;
}

export interface Consumer {
  /** Resolves once the consumer is attached for the first time. */
  readonly ready: Promise<void>;
  /** True while a consumer is attached to the queue. */
  isUp(): boolean;
  /** Stops taking messages (unacked ones go back to the queue for another consumer); work in hand finishes. */
  cancel(): Promise<void>;
  /** Cancels, finishes and settles the work in hand, closes the channel. */
  close(): Promise<void>;
}

/** One delivery, tied to the channel it came on: settled there or nowhere (a stale tag must never reach a new channel). */
export interface Held<T> {
  ch: Channel;
  message: ConsumeMessage;
  value: T;
}

/**
 * How a delivery is settled. `ack-through` acks it and every earlier unsettled delivery of its channel
 * in one frame (AMQP `multiple`): only for a caller that knows all of those are done (a stored batch).
 */
export type Settlement = 'ack' | 'ack-through' | 'dead-letter' | 'requeue';

/** What a consumer's handling strategy (one at a time, or batches) may ask of the consumer. */
export interface ConsumerContext {
  readonly log: Logger;
  settle(held: Held<unknown>, how: Settlement): void;
  /** False once the delivery's channel is gone: nobody can ack it any more, the broker redelivers it. */
  isLive(ch: Channel): boolean;
  isStopping(): boolean;
}

/** How valid deliveries are handled; the consumer owns the channel, the sink owns the work. */
export interface Sink<T> {
  accept(held: Held<T>, consumer: ConsumerContext): void;
  /** Finishes (and settles) everything accepted so far. */
  drain(consumer: ConsumerContext): Promise<void>;
}

/**
 * The channel side of every Chorus consumer, on amqp-connection-manager: topology declared and the
 * consumer attached on every new channel, manual acks on the delivery's own channel, invalid messages
 * dead-lettered (nack without requeue: `<queue>.dlq` where the queue has one). The connection manager
 * reattaches after a reconnect; after a broker cancel (queue deleted) or a channel that died alone it
 * does not, so this opens a fresh channel (heal).
 */
export class QueueConsumer<T> implements Consumer, ConsumerContext {
  readonly ready: Promise<void>;
  readonly log: Logger;
  private markReady: () => void = () => undefined;
  private current: { ch: Channel; tag: string } | undefined;
  private wrapper: ChannelWrapper | undefined;
  private settingUp = false;
  private stopping = false;
  private attachments = 0;
  private healTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: ConsumerOptions<T>,
    private readonly sink: Sink<T>,
  ) {
    this.log = options.logger.child({ consumer: options.name });
    this.ready = new Promise<void>((resolve) => (this.markReady = resolve));
    this.open();
  }

  isUp(): boolean {
    return this.current !== undefined && this.options.connection.isConnected();
  }

  isLive(ch: Channel): boolean {
    return this.current?.ch === ch;
  }

  isStopping(): boolean {
    return this.stopping;
  }

  settle({ ch, message }: Held<unknown>, how: Settlement): void {
    try {
      if (how === 'ack' || how === 'ack-through') ch.ack(message, how === 'ack-through');
      else ch.nack(message, false, how === 'requeue');
    } catch {
      // The channel is gone: the broker redelivers the message; every consumer here is idempotent.
    }
  }

  async cancel(): Promise<void> {
    this.stopping = true;
    if (this.healTimer) clearTimeout(this.healTimer);
    const attached = this.current;
    if (attached) await attached.ch.cancel(attached.tag).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.cancel();
    await this.sink.drain(this);
    await this.wrapper?.close().catch(() => undefined);
    this.current = undefined;
  }

  private open(): void {
    const wrapper: ChannelWrapper = this.options.connection.createChannel({
      name: this.options.name,
      confirm: false,
      setup: (ch: Channel) => this.attach(wrapper, ch),
    });
    wrapper.on('error', (err: Error) => this.log.warn({ err }, 'consumer channel error'));
    this.wrapper = wrapper;
  }

  private async attach(wrapper: ChannelWrapper, ch: Channel): Promise<void> {
    ch.on('error', (err: Error) => this.log.warn({ err }, 'consumer channel error'));
    if (wrapper !== this.wrapper || this.stopping) return void ch.close().catch(() => undefined);
    this.settingUp = true;
    ch.on('close', () => this.lost(ch, 'consumer channel closed'));
    try {
      const queue = await this.options.declare(ch);
      if (this.stopping) return;
      await ch.prefetch(this.options.prefetch);
      const { consumerTag } = await ch.consume(queue, (message) => this.deliver(ch, message), { noAck: false });
      this.current = { ch, tag: consumerTag };
      this.log.info({ queue, prefetch: this.options.prefetch }, 'consuming');
      if (this.attachments++ > 0) this.options.onReattach?.();
      this.markReady();
    } catch (err) {
      this.log.warn({ err }, 'consumer not attached; retrying');
      this.scheduleHeal();
    } finally {
      this.settingUp = false;
    }
  }

  private deliver(ch: Channel, message: ConsumeMessage | null): void {
    if (message === null) return this.lost(ch, 'consumer cancelled by the broker');
    const decoded = this.options.decode(message);
    if (!decoded.ok) {
      const { routingKey } = message.fields;
      this.log.warn({ reason: decoded.reason, routingKey, messageId: message.properties.messageId }, 'invalid message; dead-lettering it');
      this.settle({ ch, message, value: undefined }, 'dead-letter');
      this.options.onInvalid?.(decoded.reason);
      return;
    }
    this.sink.accept({ ch, message, value: decoded.value }, this);
  }

  private lost(ch: Channel, why: string): void {
    if (this.current && this.current.ch !== ch) return; // an old channel; a newer one is consuming
    this.current = undefined;
    if (this.stopping) return;
    this.log.warn(why);
    this.scheduleHeal();
  }

  /** A fresh channel once the connection is up and no setup is running (the connection manager's own reattach wins). */
  private scheduleHeal(): void {
    if (this.stopping || this.healTimer) return;
    this.healTimer = setTimeout(() => {
      this.healTimer = undefined;
      if (this.stopping || this.current) return;
      if (this.settingUp || !this.options.connection.isConnected()) return this.scheduleHeal();
      this.log.info('opening a fresh consumer channel');
      const old = this.wrapper;
      this.open();
      void old?.close().catch(() => undefined);
    }, this.options.healDelayMs ?? 1_000);
    this.healTimer.unref();
  }
}
