import { z } from 'zod';

/** A MongoDB ObjectId as the API shows it: 24 lowercase hex characters. Upper case is accepted and lowered. */
export const ObjectIdString = z
  .string()
  .regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hex id')
  .transform((s) => s.toLowerCase());
export type ObjectIdString = z.infer<typeof ObjectIdString>;

/** ISO-8601 UTC timestamp, e.g. 2026-11-21T14:00:00.000Z. */
export const IsoDateTime = z.iso.datetime({ offset: false });
export type IsoDateTime = z.infer<typeof IsoDateTime>;
