import type { z } from 'zod';
import type { ErrorCode } from '../errors.js';

/** One REST route as documented: OpenAPI-style path, its schemas from the contracts, its error codes. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, `{param}` style. */
  path: string;
  service: 'membership' | 'history';
  tag: string;
  summary: string;
  /** none: public; optional: a token adds the caller's view; required: 401 without one. */
  auth: 'none' | 'optional' | 'required';
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Success status → body schema (null: no body). */
  ok: Record<number, z.ZodType | null>;
  errors: ErrorCode[];
}

export const V = 'VALIDATION_FAILED' as const;
export const AUTH = ['UNAUTHENTICATED'] as const satisfies ErrorCode[];
export const WRITE = ['RATE_LIMITED', 'UNAVAILABLE'] as const satisfies ErrorCode[];
