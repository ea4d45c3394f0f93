import { z } from 'zod';

/** The closed set of error codes (SPEC 1) and the HTTP status each maps to. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_MEMBER: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ALREADY_MEMBER: 409,
  OWNER_CANNOT_LEAVE: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** A quota of SPEC 3 (servers per user, channels or roles per server), with `details.limit`. */
  LIMIT_REACHED: 403,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export const ErrorCode = z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One offending field: `path` is dotted (`content`, `author.id`); an empty string means the whole input. */
export const ErrorDetail = z.object({
  path: z.string(),
  message: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** RATE_LIMITED details: how long to wait before trying again (SPEC 1: `details.retryAfterMs`). */
export const RetryAfterDetails = z.object({ retryAfterMs: z.number().int().nonnegative() });
export type RetryAfterDetails = z.infer<typeof RetryAfterDetails>;

/** LIMIT_REACHED details: the quota that was reached (SPEC 1: `details.limit`). */
export const LimitDetails = z.object({ limit: z.number().int().nonnegative() });
export type LimitDetails = z.infer<typeof LimitDetails>;

export const ErrorObject = z.object({
  code: ErrorCode,
  message: z.string(),
  /** VALIDATION_FAILED: one entry per offending field. RATE_LIMITED: `{retryAfterMs}`. LIMIT_REACHED: `{limit}`. */
  details: z.union([z.array(ErrorDetail), RetryAfterDetails, LimitDetails]).optional(),
});
export type ErrorObject = z.infer<typeof ErrorObject>;

/** Every REST error body. */
export const ErrorBody = z.object({ error: ErrorObject });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Turns a zod error into the `details` list of a VALIDATION_FAILED error. */
export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** Builds an error object; `details` is omitted when empty. */
export function errorObject(code: ErrorCode, message: string, details?: ErrorObject['details']): ErrorObject {
  const empty = details === undefined || (Array.isArray(details) && details.length === 0);
  return empty ? { code, message } : { code, message, details };
}

export function rateLimitedError(retryAfterMs: number, message = 'Too many requests, slow down'): ErrorObject {
  return { code: 'RATE_LIMITED', message, details: { retryAfterMs: Math.max(0, Math.ceil(retryAfterMs)) } };
}

export function limitReachedError(limit: number, message: string): ErrorObject {
  return { code: 'LIMIT_REACHED', message, details: { limit } };
}
