import amqplib from 'amqplib';
import { parseEnvelope, type ParseResult, type TopologyNames } from '@chorus/contracts';

export interface EventTap {
  /** Every message seen so far, parsed against the contracts (raw kept for failures). */
  received: Array<{ routingKey: string; raw: unknown; parsed: ParseResult }>;
  close(): Promise<void>;
}

/** Listens on the events exchange like a gateway would (its own exclusive queue), for assertions. */
export async function tapEvents(amqpUrl: string, names: TopologyNames, patterns: string[]): Promise<EventTap> {
  const conn = await amqplib.connect(amqpUrl);
  conn.on('error', () => undefined);
  const ch = await conn.createChannel();
  ch.on('error', () => undefined);
  await ch.assertExchange(names.eventsExchange, 'topic', { durable: true });
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  for (const p of patterns) await ch.bindQueue(queue, names.eventsExchange, p);
  const received: EventTap['received'] = [];
  await ch.consume(
    queue,
    (msg) => {
      if (!msg) return;
      let raw: unknown;
      try {
        raw = JSON.parse(msg.content.toString('utf8'));
      } catch {
        raw = msg.content.toString('utf8');
      }
      received.push({ routingKey: msg.fields.routingKey, raw, parsed: parseEnvelope(raw) });
    },
    { noAck: true },
  );
  return {
    received,
    close: async () => {
      await conn.close().catch(() => undefined);
    },
  };
}
