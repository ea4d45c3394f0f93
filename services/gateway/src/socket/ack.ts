import { errorObject, type ErrorCode, type ErrorObject } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import type { Logger } from '@chorus/runtime';

export type AckFn = (response: unknown) => void;

/**
 * Splits what a client sent with an event into its payload and its acknowledgement callback,
 * whatever shape it has: `(payload, ack)`, `(ack)` alone, `(payload)` alone, extra arguments.
 * The ack is the last argument when it is a function; it can be called once and never throws.
 */
export function splitArgs(args: readonly unknown[]): { payload: unknown; ack: AckFn | undefined } {
  const last = args.length > 0 ? args[args.length - 1] : undefined;
  const raw = typeof last === 'function' ? (last as (res: unknown) => void) : undefined;
  const payload = typeof args[0] === 'function' ? undefined : args[0];
  if (!raw) return { payload, ack: undefined };
  let called = false;
  const ack: AckFn = (response) => {
    if (called) return;
    called = true;
    try {
      raw(response);
    } catch {
      // a closed socket cannot be answered; nothing else to do
    }
  };
  return { payload, ack };
}

export const failure = (error: ErrorObject) => ({ ok: false as const, error });
export const fail = (code: ErrorCode, message: string, details?: ErrorObject['details']) => failure(errorObject(code, message, details));

/** Anything thrown in a handler, as the ack error: AppErrors as they are, the rest INTERNAL with a reference. */
export function ackError(err: unknown, logger: Logger, ref: string): { ok: false; error: ErrorObject } {
  if (err instanceof AppError) return failure(err.toErrorObject());
  logger.error({ err, ref }, 'handler failed');
  return fail('INTERNAL', `Internal error (reference ${ref})`);
}
