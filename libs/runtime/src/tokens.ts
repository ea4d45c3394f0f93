import jwt from 'jsonwebtoken';
import { AccessTokenClaims, TOKEN_ALGORITHM, type AuthenticatedUser } from '@chorus/contracts';
import { AppError } from './http/app-error.js';

export interface TokenVerifierOptions {
  /** PEM of the membership service's public key. */
  publicKey: string;
  issuer: string;
  audience: string;
}

export type TokenVerifier = (token: string) => AuthenticatedUser;

/**
 * Verifies access tokens with the public key only, pinning the algorithm (ES256), issuer and audience:
 * `alg: none`, HS256 signed with the public key, other issuers/audiences and expired tokens all fail.
 * Throws AppError UNAUTHENTICATED.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  return (token) => {
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, options.publicKey, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: options.issuer,
        audience: options.audience,
      });
    } catch {
      throw new AppError('UNAUTHENTICATED', 'Access token is missing, invalid or expired');
    }
    const claims = AccessTokenClaims.safeParse(decoded);
    if (!claims.success) throw new AppError('UNAUTHENTICATED', 'Access token is missing, invalid or expired');
    return { id: claims.data.sub, username: claims.data.name };
  };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9_.~+/=-]{1,4096})$/.exec(header);
  return match?.[1];
}
