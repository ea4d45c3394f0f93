import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('loadConfig', () => {
  it('applies the defaults', () => {
    const config = loadConfig({ JWT_PUBLIC_KEY: publicKey });
    expect(config).toMatchObject({ PORT: 3002, AMQP_PREFIX: 'chorus', HISTORY_PREFETCH: 1000, HISTORY_BATCH_SIZE: 500 });
    expect(Object.isFrozen(config)).toBe(true);
    // SPEC 3's write budget (membership's defaults, same names), read positions' own, Redis keys' prefix.
    expect(config).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'chorus:',
      REST_WRITES_PER_WINDOW: 30,
      REST_WRITES_WINDOW_SECONDS: 10,
      READ_STATE_WRITES_PER_WINDOW: 120,
      READ_STATE_WRITES_WINDOW_SECONDS: 10,
    });
  });

  it('accepts a key with literal \\n', () => {
    expect(loadConfig({ JWT_PUBLIC_KEY: publicKey.replace(/\n/g, '\\n') }).jwtPublicKey).toBe(publicKey);
  });

  it.each([
    [{ PORT: 'http' }, /PORT/],
    [{ MONGODB_URI: 'http://x' }, /MONGODB_URI/],
    [{ HISTORY_PREFETCH: '0' }, /HISTORY_PREFETCH/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL/],
    [{ REST_WRITES_PER_WINDOW: '0' }, /REST_WRITES_PER_WINDOW/],
    [{ READ_STATE_WRITES_PER_WINDOW: 'many' }, /READ_STATE_WRITES_PER_WINDOW/],
    [{ HISTORY_BATCH_SIZE: '2000', HISTORY_PREFETCH: '100' }, /HISTORY_BATCH_SIZE/],
    [{ JWT_PUBLIC_KEY: undefined }, /JWT_PUBLIC_KEY: required/],
    [{ JWT_PUBLIC_KEY: 'not a pem' }, /JWT_PUBLIC_KEY: not a usable/],
    [{ JWT_PUBLIC_KEY: undefined, JWT_PUBLIC_KEY_FILE: '/nonexistent/key.pem' }, /JWT_PUBLIC_KEY_FILE/],
  ])('names the bad variable: %o', (env, message) => {
    expect(() => loadConfig({ JWT_PUBLIC_KEY: publicKey, ...env })).toThrow(message);
  });
});
