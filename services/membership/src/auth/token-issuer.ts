import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LIMITS, TOKEN_ALGORITHM, type AuthenticatedUser, type JwksResponse } from '@chorus/contracts';

export interface IssuedAccessToken {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
}

export interface TokenIssuer {
  issue(user: AuthenticatedUser): IssuedAccessToken;
  /** SPKI PEM of the public key, for verifiers. */
  publicKeyPem: string;
  kid: string;
  jwks: JwksResponse;
}

/** RFC 7638 JWK thumbprint: a stable key id derived from the key itself. */
function thumbprint(jwk: { crv?: string; kty?: string; x?: string; y?: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Signs ES256 access tokens (SPEC 2 claims) with the private key; publishes the public half as a JWKS. */
export function createTokenIssuer(options: { privateKey: KeyObject; issuer: string; audience: string }): TokenIssuer {
  const publicKey = createPublicKey(options.privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = thumbprint(jwk);
  const ttl = LIMITS.accessTokenTtlSeconds;
  return {
    kid,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwks: { keys: [{ ...jwk, kty: jwk.kty ?? 'EC', kid, alg: TOKEN_ALGORITHM, use: 'sig' }] },
    issue(user) {
      const accessToken = jwt.sign({ name: user.username }, options.privateKey, {
        algorithm: TOKEN_ALGORITHM,
        keyid: kid,
        issuer: options.issuer,
        audience: options.audience,
        subject: user.id,
        expiresIn: ttl,
      });
      return { accessToken, expiresIn: ttl };
    },
  };
}
