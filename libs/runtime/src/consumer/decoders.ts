import type { ConsumeMessage } from 'amqplib';
import { decodeEnvelope, type AnyEnvelope } from '@chorus/contracts';
import { parseJson } from '../json.js';

/** What a consumer makes of one delivery's bytes: a value for its handler, or why it is dead-lettered. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };
export type Decoder<T> = (message: ConsumeMessage) => Decoded<T>;

/** Broker envelopes (SPEC 6), checked against their registered type and version in `libs/contracts`. */
export const envelopeDecoder: Decoder<AnyEnvelope> = (message) => {
  const parsed = decodeEnvelope(message.content);
  return parsed.ok ? { ok: true, value: parsed.envelope } : parsed;
};

/**
 * Any JSON body, still untrusted (`undefined` when it is not JSON): for a handler that answers invalid
 * input itself, as the authorization RPC answers `{status:'invalid'}` rather than dead-lettering.
 */
export const jsonDecoder: Decoder<unknown> = (message) => ({ ok: true, value: parseJson(message.content) });
