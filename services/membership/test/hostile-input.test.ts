import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, ServerDetail, type AuthResponse } from '@chorus/contracts';
import { PASSWORD, bearer, startHarness, type Harness } from './harness.js';

let h: Harness;
let user: AuthResponse;
let server: ServerDetail;
beforeAll(async () => {
  h = await startHarness('hostile');
  user = await h.register('target');
  server = ServerDetail.parse((await h.api.post('/api/servers').set('authorization', bearer(user)).send({ name: 'Fort' })).body);
});
afterAll(async () => {
  await h?.close();
});

function expect400(res: { status: number; body: unknown }, field?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  const error = ErrorBody.parse(res.body).error;
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(Array.isArray(error.details) && error.details.length > 0).toBe(true);
  if (field !== undefined) expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
}

const op = { $gt: '' };

describe('operator objects and wrong types in bodies', () => {
  const cases: Array<[string, string, () => object, string]> = [
    ['post', '/api/auth/register', () => ({ username: op, password: PASSWORD }), 'username'],
    ['post', '/api/auth/register', () => ({ username: 'someone', password: op }), 'password'],
    ['post', '/api/auth/login', () => ({ username: op, password: op }), 'username'],
    ['post', '/api/auth/login', () => ({ username: 'target', password: { $ne: null } }), 'password'],
    ['post', '/api/auth/refresh', () => ({ refreshToken: { $regex: '.*' } }), 'refreshToken'],
    ['post', '/api/auth/logout', () => ({ refreshToken: ['a'] }), 'refreshToken'],
    ['post', '/api/servers', () => ({ name: op }), 'name'],
    ['post', '/api/servers', () => ({ name: 'x', category: { $ne: 'Gaming' } }), 'category'],
    ['post', '/api/servers', () => ({ name: 42 }), 'name'],
    ['post', '/api/servers', () => ({ name: 'x', description: true }), 'description'],
    ['patch', '/api/servers/:id', () => ({ name: op }), 'name'],
    ['patch', '/api/servers/:id', () => ({ $set: { ownerId: 'x' } }), ''],
    ['post', '/api/servers/:id/channels', () => ({ name: op }), 'name'],
    ['post', '/api/servers/:id/channels', () => ({ name: 'x', topic: ['t'] }), 'topic'],
  ];
  it.each(cases)('%s %s %j → 400 naming the field', async (method, path, body, field) => {
    const url = path.replace(':id', server.id);
    const req = method === 'post' ? h.api.post(url) : h.api.patch(url);
    expect400(await req.set('authorization', bearer(user)).send(body()), field);
  });

  it('extra fields are refused (strict bodies), including ownerId and __proto__', async () => {
    expect400(await h.api.post('/api/auth/register').send({ username: 'extra1', password: PASSWORD, admin: true }));
    expect400(
      await h.api
        .post('/api/servers')
        .set('authorization', bearer(user))
        .send({ name: 'x', ownerId: '0'.repeat(24) }),
    );
    const raw = `{"name":"x","__proto__":{"polluted":true}}`;
    expect400(await h.api.post('/api/servers').set('authorization', bearer(user)).set('content-type', 'application/json').send(raw));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([['[]'], ['null'], ['"text"'], ['42'], ['[{"username":"a","password":"b"}]']])('body %s → 400', async (raw) => {
    const res = await h.api.post('/api/auth/register').set('content-type', 'application/json').send(raw);
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.code).toBe('VALIDATION_FAILED');
  });

  it('no body, or not JSON, → 400', async () => {
    expect400(await h.api.post('/api/auth/login'));
    expect400(await h.api.post('/api/auth/login').set('content-type', 'text/plain').send('username=a&password=b'));
    expect400(await h.api.post('/api/auth/login').type('form').send({ username: 'target', password: PASSWORD }));
  });
});

describe('operator objects and junk in query strings and paths', () => {
  it.each([
    '/api/servers?q[$gt]=',
    '/api/servers?category[$ne]=x',
    '/api/servers?limit[$gt]=1',
    '/api/servers?q=a&q=b',
    '/api/servers?member[]=@me',
    '/api/servers?limit=-1',
    '/api/servers?limit=9999999999',
  ])('%s → 400', async (url) => {
    expect400(await h.api.get(url).set('authorization', bearer(user)));
  });

  it.each([`/api/servers/${encodeURIComponent('{"$gt":""}')}`, '/api/servers/%24gt', `/api/servers/${'a'.repeat(25)}`, '/api/servers/123'])(
    'GET %s → 400',
    async (url) => {
      expect400(await h.api.get(url), 'serverId');
    },
  );

  it('member list with operator cursor → 400', async () => {
    expect400(await h.api.get(`/api/servers/${server.id}/members?after[$gt]=`).set('authorization', bearer(user)));
  });
});

describe('malformed and oversized bodies', () => {
  it('malformed JSON → 400 VALIDATION_FAILED with details', async () => {
    expect400(await h.api.post('/api/auth/login').set('content-type', 'application/json').send('{"username": "a", '));
    expect400(
      await h.api.post('/api/servers').set('authorization', bearer(user)).set('content-type', 'application/json').send("{'name': 'x'}"),
    );
  });

  it('a 10 MB body → 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ username: 'x', password: 'p'.repeat(10 * 1024 * 1024) });
    const url = new URL('/api/auth/login', h.api.get('/').url);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      // The server answers before reading it all and may close the socket under us: that is fine.
      req.on('error', (err) => reject(err));
      req.end(big);
    });
    expect(status).toBe(413);
    expect(ErrorBody.parse(JSON.parse(body)).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a chunked body over the limit (no Content-Length) → 413', async () => {
    const url = new URL('/api/servers', h.api.get('/').url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json', authorization: bearer(user) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      req.write(`{"name":"`);
      for (let i = 0; i < 4; i++) req.write(chunk);
      req.end('"}');
    });
    expect(status).toBe(413);
  });

  it('the service is still healthy afterwards', async () => {
    expect((await h.api.get('/healthz')).status).toBe(200);
    expect((await h.api.post('/api/auth/login').send({ username: 'target', password: PASSWORD })).status).toBe(200);
  });
});

describe('odd strings', () => {
  it('unicode and control characters in names are data, not errors', async () => {
    const res = await h.api
      .post('/api/servers')
      .set('authorization', bearer(user))
      .send({ name: '🦀 \u0000 ${x} <script>', description: '\\\'"' });
    expect(res.status).toBe(201);
    expect(ServerDetail.parse(res.body).name).toBe('🦀 \u0000 ${x} <script>');
  });

  it('unknown routes are 404 in the error shape, not HTML', async () => {
    const res = await h.api.get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(ErrorBody.parse(res.body).error.code).toBe('NOT_FOUND');
  });
});
