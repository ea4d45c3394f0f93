import { ErrorBody, ErrorObject, type ErrorCode } from '@chorus/contracts';

/**
 * Every failure of a Chorus call, REST or socket ack, as one type: the SPEC's error code, its message
 * and details, and the HTTP status (0 for a socket ack or when the server could not be reached).
 */
export class ChorusError extends Error {
  override readonly name = 'ChorusError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status = 0,
    readonly details?: ErrorObject['details'],
  ) {
    super(message);
  }

  static from(error: ErrorObject, status = 0): ChorusError {
    return new ChorusError(error.code, error.message, status, error.details);
  }

  /** A socket ack's error (its code is checked against the closed set). */
  static fromAck(error: { code: string; message: string; details?: unknown }): ChorusError {
    const parsed = ErrorObject.safeParse(error);
    return parsed.success ? ChorusError.from(parsed.data) : new ChorusError('INTERNAL', error.message);
  }

  /** A REST response body that should be an error body; anything else becomes INTERNAL/UNAVAILABLE by status. */
  static fromResponse(status: number, body: unknown): ChorusError {
    const parsed = ErrorBody.safeParse(body);
    if (parsed.success) return ChorusError.from(parsed.data.error, status);
    return new ChorusError(status >= 502 ? 'UNAVAILABLE' : 'INTERNAL', `Unexpected response (HTTP ${status})`, status);
  }
}

/** A socket call the gateway did not acknowledge within the ack timeout (its outcome is unknown: a send may have landed). */
export class AckTimeoutError extends ChorusError {
  constructor(event: string) {
    super('UNAVAILABLE', `Chorus did not answer ${event} in time`, 0);
  }
}

export const isChorusError = (err: unknown, code?: ErrorCode): err is ChorusError =>
  err instanceof ChorusError && (code === undefined || err.code === code);
