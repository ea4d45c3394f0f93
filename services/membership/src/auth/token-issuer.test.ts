import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { createTokenVerifier } from '@chorus/runtime';
import { createTokenIssuer } from './token-issuer.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const issuer = createTokenIssuer({ privateKey, issuer: 'chorus-membership', audience: 'chorus' });
const user = { id: 'a'.repeat(24), username: 'alice' };

describe('token issuer', () => {
  it('issues ES256 tokens the shared verifier accepts', () => {
    const { accessToken, expiresIn } = issuer.issue(user);
    expect(expiresIn).toBe(900);
    const verify = createTokenVerifier({ publicKey: issuer.publicKeyPem, issuer: 'chorus-membership', audience: 'chorus' });
    expect(verify(accessToken)).toEqual(user);
  });

  it('the kid is the RFC 7638 thumbprint: stable for a key, different across keys', () => {
    const again = createTokenIssuer({ privateKey, issuer: 'x', audience: 'y' });
    expect(again.kid).toBe(issuer.kid);
    const other = createTokenIssuer({
      privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      issuer: 'x',
      audience: 'y',
    });
    expect(other.kid).not.toBe(issuer.kid);
    expect(jwt.decode(issuer.issue(user).accessToken, { complete: true })?.header.kid).toBe(issuer.kid);
  });

  it('the JWKS holds only the public key', () => {
    const [key] = issuer.jwks.keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: issuer.kid });
    expect(key).not.toHaveProperty('d');
    const pem = createPublicKey({ key: key as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    expect(pem.toString()).toBe(issuer.publicKeyPem);
  });

  it('another audience does not verify', () => {
    const verify = createTokenVerifier({ publicKey: issuer.publicKeyPem, issuer: 'chorus-membership', audience: 'elsewhere' });
    expect(() => verify(issuer.issue(user).accessToken)).toThrow();
  });
});
