import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultGatewayId, loadConfig } from './config.js';

const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('gateway config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({ JWT_PUBLIC_KEY: publicKey });
    expect(c).toMatchObject({
      PORT: 3000,
      REDIS_PREFIX: 'chorus:',
      AMQP_PREFIX: 'chorus',
      SEND_RATE_LIMIT: 10,
      SEND_RATE_WINDOW_MS: 10_000,
    });
    expect(c.GATEWAY_ID).toMatch(/^[A-Za-z0-9_-]+-\d+$/);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ JWT_PUBLIC_KEY: publicKey, PORT: 'eighty', GATEWAY_ID: 'a.b', SEND_RATE_LIMIT: '0' })).toThrow(
      /PORT[\s\S]*GATEWAY_ID[\s\S]*SEND_RATE_LIMIT|PORT[\s\S]*SEND_RATE_LIMIT[\s\S]*GATEWAY_ID/,
    );
    expect(() => loadConfig({})).toThrow(/JWT_PUBLIC_KEY/);
    expect(() => loadConfig({ JWT_PUBLIC_KEY: 'not a pem' })).toThrow(/JWT_PUBLIC_KEY/);
  });

  it('accepts an escaped PEM and derives a queue-safe default id', () => {
    expect(loadConfig({ JWT_PUBLIC_KEY: publicKey.replace(/\n/g, '\\n') }).JWT_PUBLIC_KEY).toBe(publicKey);
    expect(defaultGatewayId('gw.pod-1.example', 42)).toBe('gw-pod-1-example-42');
  });

  it('REDIS_CLUSTER_NODES: unset or empty is one Redis; a host:port list names the Cluster seeds; anything else is refused', () => {
    expect(loadConfig({ JWT_PUBLIC_KEY: publicKey }).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(loadConfig({ JWT_PUBLIC_KEY: publicKey, REDIS_CLUSTER_NODES: '' }).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(
      loadConfig({ JWT_PUBLIC_KEY: publicKey, REDIS_CLUSTER_NODES: 'redis-1:6379, 10.0.0.2:7001,[::1]:7002' }).REDIS_CLUSTER_NODES,
    ).toEqual([
      { host: 'redis-1', port: 6379 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(() => loadConfig({ JWT_PUBLIC_KEY: publicKey, REDIS_CLUSTER_NODES: 'redis-1' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ JWT_PUBLIC_KEY: publicKey, REDIS_CLUSTER_NODES: 'redis-1:99999' })).toThrow(/REDIS_CLUSTER_NODES/);
  });
});
