import { z } from 'zod';
import { ObjectIdString } from './ids.js';

/** Access tokens are signed by membership only; everyone else verifies with the public key. */
export const TOKEN_ALGORITHM = 'ES256' as const;
export const DEFAULT_TOKEN_ISSUER = 'chorus-membership';
export const DEFAULT_TOKEN_AUDIENCE = 'chorus';

/** Claims of a verified access token (SPEC 2). */
export const AccessTokenClaims = z.object({
  sub: ObjectIdString,
  name: z.string().min(1),
  iss: z.string().min(1),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;

/** The caller as every service sees it after verifying a token. */
export interface AuthenticatedUser {
  id: string;
  username: string;
}
