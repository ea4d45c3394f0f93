import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { AuthResponse, JwksResponse, MeResponse } from '@chorus/contracts';
import { createTokenVerifier } from '@chorus/runtime';
import { expectError, useHarness, PASSWORD, bearer } from './harness.js';

const h = useHarness('auth');

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('register', () => {
  it('creates an account and returns a token pair that works', async () => {
    const res = await h.api.post('/api/auth/register').send({ username: 'Alice_1', password: PASSWORD });
    expect(res.status).toBe(201);
    const body = AuthResponse.parse(res.body);
    expect(body.user.username).toBe('Alice_1');
    expect(body.expiresIn).toBe(900);
    const me = await h.api.get('/api/users/@me').set('authorization', bearer(body));
    expect(me.status).toBe(200);
    expect(MeResponse.parse(me.body)).toMatchObject({ id: body.user.id, username: 'Alice_1' });
  });

  it('stores only an argon2id hash of the password', async () => {
    const doc = await h.service.infra.models.User.findOne({ usernameLower: 'alice_1' }).lean();
    expect(doc?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(doc?.passwordHash).not.toContain(PASSWORD);
  });

  it('refuses a username taken in another case with 409 CONFLICT', async () => {
    expectError(await h.api.post('/api/auth/register').send({ username: 'ALICE_1', password: PASSWORD }), 409, 'CONFLICT');
  });

  it('concurrent registrations of one name create exactly one account', async () => {
    const results = await Promise.all(
      ['racer', 'Racer', 'RACER', 'racer'].map((username) => h.api.post('/api/auth/register').send({ username, password: PASSWORD })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(3);
  });

  it.each([
    [{ username: 'a', password: PASSWORD }, 'username'],
    [{ username: 'x'.repeat(33), password: PASSWORD }, 'username'],
    [{ username: 'bad name', password: PASSWORD }, 'username'],
    [{ username: 'okname', password: 'short' }, 'password'],
    [{ username: 'okname', password: 'p'.repeat(129) }, 'password'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const error = expectError(await h.api.post('/api/auth/register').send(body), 400, 'VALIDATION_FAILED');
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
  });
});

describe('login', () => {
  it('returns a new pair for the right password (username case-insensitive)', async () => {
    await h.register('bob');
    const res = await h.api.post('/api/auth/login').send({ username: 'BOB', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(AuthResponse.parse(res.body).user.username).toBe('bob');
  });

  it('answers wrong password and unknown user with the same 401', async () => {
    const wrong = expectError(
      await h.api.post('/api/auth/login').send({ username: 'bob', password: 'not the password' }),
      401,
      'UNAUTHENTICATED',
    );
    const unknown = expectError(
      await h.api.post('/api/auth/login').send({ username: 'nobody-here', password: 'whatever1' }),
      401,
      'UNAUTHENTICATED',
    );
    expect(wrong.message).toBe(unknown.message);
  });
});

describe('access tokens', () => {
  let auth: AuthResponse;
  beforeAll(async () => {
    auth = await h.register('carol');
  });

  it('are ES256 with kid, iss, aud, sub, name, iat and a 15 minute exp', () => {
    const decoded = jwt.decode(auth.accessToken, { complete: true });
    expect(decoded?.header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(decoded?.header.kid).toEqual(expect.any(String));
    const p = decoded?.payload as jwt.JwtPayload;
    expect(p).toMatchObject({ sub: auth.user.id, name: 'carol', iss: 'chorus-membership', aud: 'chorus' });
    expect(p.exp! - p.iat!).toBe(900);
  });

  it('verify with the public key alone, as gateway and history do', () => {
    const verify = createTokenVerifier({ publicKey: h.iso.keys.publicKey, issuer: 'chorus-membership', audience: 'chorus' });
    expect(verify(auth.accessToken)).toEqual({ id: auth.user.id, username: 'carol' });
  });

  it('JWKS publishes the public key with the kid and alg tokens carry', async () => {
    const res = await h.api.get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    const jwks = JwksResponse.parse(res.body);
    const key = jwks.keys[0]!;
    expect(key).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: jwt.decode(auth.accessToken, { complete: true })?.header.kid,
    });
    expect(key).not.toHaveProperty('d');
    const pem = createPublicKey({ key: key as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    expect(pem.toString()).toBe(h.iso.keys.publicKey);
  });

  const privateKey = () => createPrivateKey(h.iso.keys.privateKey);
  const claims = () => ({ sub: auth.user.id, name: 'carol' });
  const sign = (opts: jwt.SignOptions, payload: object = claims()) =>
    jwt.sign(payload, privateKey(), { algorithm: 'ES256', issuer: 'chorus-membership', audience: 'chorus', expiresIn: 900, ...opts });

  const rejected: Array<[string, () => string]> = [
    ['missing', () => ''],
    ['garbage', () => 'not-a-jwt'],
    [
      'tampered payload',
      () => {
        const [head, , sig] = auth.accessToken.split('.');
        const forged = b64({ ...(jwt.decode(auth.accessToken) as object), sub: '0'.repeat(24), name: 'mallory' });
        return `${head}.${forged}.${sig}`;
      },
    ],
    [
      'tampered signature',
      () => {
        const [head, body, sig] = auth.accessToken.split('.');
        const flipped = Buffer.from(sig!, 'base64url');
        flipped[5] = flipped[5]! ^ 0xff;
        return `${head}.${body}.${flipped.toString('base64url')}`;
      },
    ],
    ['expired', () => sign({ expiresIn: -10 })],
    ['wrong audience', () => sign({ audience: 'someone-else' })],
    ['wrong issuer', () => sign({ issuer: 'evil-issuer' })],
    [
      'alg none',
      () => {
        const now = Math.floor(Date.now() / 1000);
        return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(), iss: 'chorus-membership', aud: 'chorus', iat: now, exp: now + 900 })}.`;
      },
    ],
    [
      'HS256 signed with the public key',
      () => {
        const now = Math.floor(Date.now() / 1000);
        const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...claims(), iss: 'chorus-membership', aud: 'chorus', iat: now, exp: now + 900 })}`;
        return `${input}.${createHmac('sha256', h.iso.keys.publicKey).update(input).digest('base64url')}`;
      },
    ],
    [
      'signed by another key',
      () => {
        const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
        return jwt.sign(claims(), other, { algorithm: 'ES256', issuer: 'chorus-membership', audience: 'chorus', expiresIn: 900 });
      },
    ],
    ['sub not an id', () => sign({}, { sub: 'admin', name: 'carol' })],
  ];

  it.each(rejected)('%s → 401 UNAUTHENTICATED', async (_name, token) => {
    const t = token();
    const req = h.api.get('/api/users/@me');
    if (t) req.set('authorization', `Bearer ${t}`);
    expectError(await req, 401, 'UNAUTHENTICATED');
  });

  it('a token for the right audience and key still passes (the negative cases are not vacuous)', async () => {
    expect((await h.api.get('/api/users/@me').set('authorization', `Bearer ${sign({})}`)).status).toBe(200);
  });

  it('a non-Bearer Authorization header is a 401', async () => {
    expectError(
      await h.api.get('/api/users/@me').set('authorization', `Basic ${Buffer.from('a:b').toString('base64')}`),
      401,
      'UNAUTHENTICATED',
    );
  });
});

describe('refresh and logout', () => {
  it('rotates: the new pair works, the old refresh token stops working', async () => {
    const first = await h.register('dave');
    const res = await h.api.post('/api/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(res.status).toBe(200);
    const second = AuthResponse.parse(res.body);
    expect(second.user).toEqual(first.user);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await h.api.get('/api/users/@me').set('authorization', bearer(second))).status).toBe(200);
    const third = await h.api.post('/api/auth/refresh').send({ refreshToken: second.refreshToken });
    expect(third.status).toBe(200);
  });

  it('a refresh token used twice revokes its whole family', async () => {
    const first = await h.register('erin');
    const rotated = AuthResponse.parse((await h.api.post('/api/auth/refresh').send({ refreshToken: first.refreshToken })).body);
    // The stolen, already-used token is presented again:
    expectError(await h.api.post('/api/auth/refresh').send({ refreshToken: first.refreshToken }), 401, 'UNAUTHENTICATED');
    // ...and the legitimate newest one is dead too.
    expectError(await h.api.post('/api/auth/refresh').send({ refreshToken: rotated.refreshToken }), 401, 'UNAUTHENTICATED');
    // Another session (family) of the same user is untouched.
    const other = AuthResponse.parse((await h.api.post('/api/auth/login').send({ username: 'erin', password: PASSWORD })).body);
    expect((await h.api.post('/api/auth/refresh').send({ refreshToken: other.refreshToken })).status).toBe(200);
  });

  it('two concurrent uses of one token: at most one succeeds and the family ends revoked', async () => {
    const first = await h.register('frank');
    const results = await Promise.all([1, 2].map(() => h.api.post('/api/auth/refresh').send({ refreshToken: first.refreshToken })));
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    expect(results.some((r) => r.status === 401)).toBe(true);
    for (const r of results.filter((x) => x.status === 200)) {
      expectError(
        await h.api.post('/api/auth/refresh').send({ refreshToken: (r.body as AuthResponse).refreshToken }),
        401,
        'UNAUTHENTICATED',
      );
    }
  });

  it('an expired refresh token is refused', async () => {
    const auth = await h.register('gina');
    await h.service.infra.models.RefreshToken.updateMany({ userId: auth.user.id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expectError(await h.api.post('/api/auth/refresh').send({ refreshToken: auth.refreshToken }), 401, 'UNAUTHENTICATED');
  });

  it.each(['nonsense', `${'a'.repeat(24)}.${'b'.repeat(43)}`])('an unknown refresh token %s is a 401', async (refreshToken) => {
    expectError(await h.api.post('/api/auth/refresh').send({ refreshToken }), 401, 'UNAUTHENTICATED');
  });

  it('stores refresh tokens hashed, never as given', async () => {
    const auth = await h.register('hank');
    const docs = await h.service.infra.models.RefreshToken.find({ userId: auth.user.id }).lean();
    expect(docs).toHaveLength(1);
    expect(JSON.stringify(docs)).not.toContain(auth.refreshToken.split('.')[1]);
  });

  it('logout revokes the session (204) and is 204 for unknown tokens too', async () => {
    const auth = await h.register('ivy');
    expect((await h.api.post('/api/auth/logout').send({ refreshToken: auth.refreshToken })).status).toBe(204);
    expectError(await h.api.post('/api/auth/refresh').send({ refreshToken: auth.refreshToken }), 401, 'UNAUTHENTICATED');
    expect((await h.api.post('/api/auth/logout').send({ refreshToken: 'never-issued' })).status).toBe(204);
  });

  it('refresh and logout validate their body', async () => {
    expectError(await h.api.post('/api/auth/refresh').send({}), 400, 'VALIDATION_FAILED');
    expectError(await h.api.post('/api/auth/logout').send({ refreshToken: 5 }), 400, 'VALIDATION_FAILED');
  });
});
