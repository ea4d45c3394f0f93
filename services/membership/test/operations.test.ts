import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { ErrorBody } from '@chorus/contracts';
import { createLogger } from '@chorus/runtime';
import { isolated } from '../../../test/support/isolated.js';
import { loadConfig } from '../src/config.js';
import { migrateMembership } from '../../../test/support/migrate.js';
import { createMembershipService, type MembershipService } from '../src/service.js';
import { FAST_ACCOUNTS, PASSWORD, startHarness, type Harness, type TestAgent } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('ops');
});
afterAll(async () => {
  await h?.close();
});

describe('health and readiness', () => {
  it('/healthz and /readyz are 200 when MongoDB, Redis and the broker are up', async () => {
    expect((await h.api.get('/healthz')).status).toBe(200);
    const ready = await h.api.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ mongodb: true, redis: true, broker: true, consumers: true });
  });

  it('echoes x-request-id (correlation id) and makes one when absent', async () => {
    expect((await h.api.get('/healthz').set('x-request-id', 'abc-123')).headers['x-request-id']).toBe('abc-123');
    expect((await h.api.get('/healthz')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('a dependency that is down', () => {
  const iso = isolated('opsdown');
  // Redis and the broker point at closed ports; MongoDB is real.
  const config = loadConfig(
    iso.serviceEnv({
      ...FAST_ACCOUNTS,
      REDIS_URL: 'redis://127.0.0.1:1',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:1',
      INSTANCE_ID: 'ops-down',
    }),
  );
  let service: MembershipService;
  let api: TestAgent;
  beforeAll(async () => {
    await migrateMembership(config.MONGODB_URI);
    service = createMembershipService(config, createLogger('membership-down', 'silent'));
    api = supertest(service.app);
  });
  afterAll(async () => {
    await service?.stop();
    await iso.cleanup();
  });

  it('/readyz is 503 naming what is down, /healthz still 200', async () => {
    const res = await api.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks).toMatchObject({ redis: false, broker: false });
    expect((await api.get('/healthz')).status).toBe(200);
  });

  it('login answers 503 UNAVAILABLE instead of hanging or 500', async () => {
    const res = await api.post('/api/auth/login').send({ username: 'someone', password: PASSWORD });
    expect(res.status).toBe(503);
    expect(ErrorBody.parse(res.body).error.code).toBe('UNAVAILABLE');
  });

  it('registration answers 503 too: its limit cannot be checked, so it does not let everyone through', async () => {
    const res = await api.post('/api/auth/register').send({ username: 'someone', password: PASSWORD });
    expect(res.status).toBe(503);
    expect(ErrorBody.parse(res.body).error.code).toBe('UNAVAILABLE');
  });

  it('bad input is still a 400, not a 503', async () => {
    const res = await api.post('/api/auth/login').set('content-type', 'application/json').send('{oops');
    expect(res.status).toBe(400);
  });
});

describe('MongoDB down', () => {
  const iso = isolated('opsmongodown');
  const config = loadConfig(
    iso.serviceEnv({ ...FAST_ACCOUNTS, MONGODB_URI: 'mongodb://127.0.0.1:1/nothing', INSTANCE_ID: 'ops-mongo-down' }),
  );
  const service = createMembershipService(config, createLogger('membership-mongo-down', 'silent'));
  const api = supertest(service.app);
  afterAll(async () => {
    await service.stop();
    await iso.cleanup();
  });

  it('queries fail fast with 503 (not buffered until a timeout) and /readyz says mongodb is down', async () => {
    // mongoose would otherwise buffer the query for 10 s; the request timeout below is that distinction.
    const res = await api.post('/api/auth/register').send({ username: 'nomongo', password: PASSWORD }).timeout(5_000);
    expect(res.status).toBe(503);
    expect(ErrorBody.parse(res.body).error.code).toBe('UNAVAILABLE');
    const ready = await api.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.mongodb).toBe(false);
  });
});

describe('configuration', () => {
  const base = () => isolated('opsconfig').serviceEnv();
  it.each([
    ['JWT_PRIVATE_KEY', { JWT_PRIVATE_KEY: '' }],
    ['JWT_PRIVATE_KEY', { JWT_PRIVATE_KEY: 'not a pem' }],
    ['PORT', { PORT: 'eighty' }],
    ['MONGODB_URI', { MONGODB_URI: 'http://nope' }],
    ['LOGIN_MAX_FAILURES_PER_USER_IP', { LOGIN_MAX_FAILURES_PER_USER_IP: '0' }],
    ['REGISTRATIONS_PER_IP', { REGISTRATIONS_PER_IP: 'lots' }],
    ['ARGON2_MEMORY_KIB', { ARGON2_MEMORY_KIB: '12' }],
    ['REST_WRITES_PER_WINDOW', { REST_WRITES_PER_WINDOW: '0' }],
    ['MAX_SERVERS_PER_USER', { MAX_SERVERS_PER_USER: 'many' }],
    ['MAX_CHANNELS_PER_SERVER', { MAX_CHANNELS_PER_SERVER: '-1' }],
  ])('a bad %s stops start-up with a message naming it', (name, bad) => {
    expect(() => loadConfig({ ...base(), ...bad })).toThrow(name);
  });

  it('an RSA key is refused (ES256 only)', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadConfig({ ...base(), JWT_PRIVATE_KEY: rsa })).toThrow(/JWT_PRIVATE_KEY.*P-256/s);
  });

  it('secure argon2 defaults when not overridden', () => {
    const config = loadConfig({ JWT_PRIVATE_KEY: h.iso.keys.privateKey });
    expect(config.ARGON2_MEMORY_KIB).toBeGreaterThanOrEqual(19_456);
    expect(config.ARGON2_TIME_COST).toBeGreaterThanOrEqual(2);
    expect(config.PORT).toBe(3001);
    expect(config.LOGIN_MAX_FAILURES_PER_USER_IP).toBe(5);
    expect(config.LOGIN_MAX_FAILURES_PER_IP).toBe(100);
    expect(config.REGISTRATIONS_PER_IP).toBe(20);
    expect(config.REGISTRATION_WINDOW_SECONDS).toBe(3600);
    // SPEC 3: quotas as Discord's, 30 writes per user per 10 s.
    expect(config.REST_WRITES_PER_WINDOW).toBe(30);
    expect(config.REST_WRITES_WINDOW_SECONDS).toBe(10);
    expect([config.MAX_SERVERS_PER_USER, config.MAX_CHANNELS_PER_SERVER, config.MAX_ROLES_PER_SERVER]).toEqual([100, 500, 250]);
  });
});
