import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { IsoDateTime } from '../ids.js';
import { EVENT_PAYLOADS, PRODUCERS, type EventPayload, type EventType, type EventVersion } from './events.js';

/** The envelope around every broker message (SPEC 6), before its payload is checked against its type. */
export const EnvelopeHeader = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(100),
  version: z.number().int().positive(),
  occurredAt: IsoDateTime,
  producer: z.enum(PRODUCERS),
  /** Ties the event to the request that caused it, across services (logs). */
  correlationId: z.string().max(128).optional(),
  payload: z.unknown(),
});

export type Envelope<T extends EventType = EventType, V extends EventVersion<T> = EventVersion<T>> = {
  id: string;
  type: T;
  version: V;
  occurredAt: string;
  producer: (typeof PRODUCERS)[number];
  correlationId?: string;
  payload: EventPayload<T, V>;
};

/** Any valid envelope, narrowed by `type` (and `version`). */
export type AnyEnvelope = { [T in EventType]: { [V in EventVersion<T>]: Envelope<T, V> }[EventVersion<T>] }[EventType];

export type ParseResult = { ok: true; envelope: AnyEnvelope } | { ok: false; reason: string };

function payloadSchema(type: string, version: number): z.ZodType | undefined {
  const versions = (EVENT_PAYLOADS as Record<string, Record<number, z.ZodType>>)[type];
  return versions?.[version];
}

/** Validates an envelope and its payload against the registered type and version. Never throws. */
export function parseEnvelope(raw: unknown): ParseResult {
  const header = EnvelopeHeader.safeParse(raw);
  if (!header.success)
    return { ok: false, reason: `envelope: ${header.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  const schema = payloadSchema(header.data.type, header.data.version);
  if (!schema) return { ok: false, reason: `unknown event ${header.data.type} v${header.data.version}` };
  const payload = schema.safeParse(header.data.payload);
  if (!payload.success)
    return { ok: false, reason: `payload: ${payload.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  return { ok: true, envelope: { ...header.data, payload: payload.data } as AnyEnvelope };
}

/** Parses a broker message body (bytes) into an envelope. Never throws. */
export function decodeEnvelope(body: Buffer | Uint8Array | string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  return parseEnvelope(raw);
}

/** Builds and validates an envelope; throws if the payload does not match its type (a producer bug). */
export function createEnvelope<T extends EventType, V extends EventVersion<T>>(
  type: T,
  version: V,
  payload: EventPayload<T, V>,
  producer: (typeof PRODUCERS)[number],
  correlationId?: string,
): Envelope<T, V> {
  const envelope = {
    id: randomUUID(),
    type,
    version,
    occurredAt: new Date().toISOString(),
    producer,
    ...(correlationId ? { correlationId } : {}),
    payload,
  };
  const parsed = parseEnvelope(envelope);
  if (!parsed.ok) throw new Error(`refusing to publish an invalid ${type} v${version} envelope: ${parsed.reason}`);
  return parsed.envelope as unknown as Envelope<T, V>;
}

/** Serialises an envelope for `publish`. */
export function encodeEnvelope(envelope: AnyEnvelope | Envelope): Buffer {
  return Buffer.from(JSON.stringify(envelope));
}
