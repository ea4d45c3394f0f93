import { randomBytes } from 'node:crypto';

/** 9 random bytes from the CSPRNG → 12 base64url characters (72 bits): URL-safe, within SPEC 14's 8–16. */
export const newInviteCode = (): string => randomBytes(9).toString('base64url');
