import { ERROR_STATUS, errorObject, rateLimitedError, zodDetails, type ErrorCode, type ErrorObject } from '@chorus/contracts';
import type { z } from 'zod';

/** A failure the caller should see as it is: its code, message and details reach the wire. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorObject['details'],
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toErrorObject(): ErrorObject {
    return errorObject(this.code, this.message, this.details);
  }

  static validation(error: z.ZodError, message = 'Request is invalid'): AppError {
    return new AppError('VALIDATION_FAILED', message, zodDetails(error));
  }

  static rateLimited(retryAfterMs: number): AppError {
    const e = rateLimitedError(retryAfterMs);
    return new AppError('RATE_LIMITED', e.message, e.details);
  }
}

/** Parses untrusted input with a schema, or throws a VALIDATION_FAILED AppError listing every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, message?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw AppError.validation(result.error, message);
  return result.data;
}
