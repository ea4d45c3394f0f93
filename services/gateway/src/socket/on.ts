import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { zodDetails, type ClientToServerEvents } from '@chorus/contracts';
import type { Logger } from '@chorus/runtime';
import type { GatewaySocket } from '../types.js';
import { ackError, fail, splitArgs } from './ack.js';

export type ClientEvent = keyof ClientToServerEvents;
/** The acknowledgement callback an event carries (`undefined` for events without one, or when the client sent none). */
export type AckOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]> extends [unknown, infer A] ? A : undefined;
/** What an event's handler gets: the parsed payload, the ack (called at most once, never throws) and a log reference. */
export type InboundHandler<E extends ClientEvent, S extends z.ZodType> = (
  payload: z.output<S>,
  ack: AckOf<E> | undefined,
  ref: string,
) => unknown;

/**
 * Registers one inbound socket event, typed from `ClientToServerEvents`: the payload is parsed with `schema`
 * first (invalid → `VALIDATION_FAILED` ack, handler not called), the ack is typed by the event map, and
 * whatever the handler throws or rejects with becomes an ack error (AppError as it is, the rest INTERNAL
 * with a logged reference). Nothing ever throws out to socket.io.
 */
export function on<E extends ClientEvent, S extends z.ZodType>(
  socket: GatewaySocket,
  event: E,
  schema: S,
  logger: Logger,
  handler: InboundHandler<E, S>,
): void {
  const listener = (...args: unknown[]) => {
    const { payload, ack } = splitArgs(args);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return ack?.(fail('VALIDATION_FAILED', `Invalid ${event} payload`, zodDetails(parsed.error)));
    const ref = randomUUID();
    const fault = (err: unknown) => {
      if (ack) ack(ackError(err, logger, ref));
      else logger.error({ err, ref, event }, 'handler failed');
    };
    try {
      void Promise.resolve(handler(parsed.data, ack as AckOf<E> | undefined, ref)).catch(fault);
    } catch (err) {
      fault(err);
    }
  };
  socket.on(event, listener as ClientToServerEvents[E] as never);
}
