import { createPublicKey } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { AUTHZ_CACHE_TTL_MS, LIMITS } from '@chorus/contracts';
import { ConfigError, commonEnv, env, parseEnv, pemFromEnv } from '@chorus/runtime';

/** `<hostname>-<pid>`, reduced to the characters a queue name and an engine.io id prefix may hold. */
export function defaultGatewayId(host = hostname(), pid = process.pid): string {
  const clean = host.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 48) || 'gateway';
  return `${clean}-${pid}`;
}

const schema = z.object({
  PORT: env.port(3000),
  REDIS_URL: commonEnv.REDIS_URL,
  REDIS_CLUSTER_NODES: commonEnv.REDIS_CLUSTER_NODES,
  AMQP_URL: commonEnv.AMQP_URL,
  AMQP_PREFIX: commonEnv.AMQP_PREFIX,
  AMQP_QUEUE_TYPE: commonEnv.AMQP_QUEUE_TYPE,
  AMQP_DELIVERY_LIMIT: commonEnv.AMQP_DELIVERY_LIMIT,
  REDIS_PREFIX: env.prefix('chorus:'),
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  JWT_ISSUER: commonEnv.JWT_ISSUER,
  JWT_AUDIENCE: commonEnv.JWT_AUDIENCE,
  SHUTDOWN_TIMEOUT_MS: commonEnv.SHUTDOWN_TIMEOUT_MS,
  /**
   * This process's identity in the fleet: the prefix of its engine.io session ids (`<id>.<random>`,
   * which the entry proxy routes long-polling by) and the name of its membership queue. No `.`.
   */
  GATEWAY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of [A-Za-z0-9_-]')
    .default(() => defaultGatewayId()),
  /** Accepted sends per user per rolling window, across the whole fleet (SPEC 5). */
  SEND_RATE_LIMIT: env.int(LIMITS.sendRateLimit, 1, 100_000),
  SEND_RATE_WINDOW_MS: env.int(LIMITS.sendRateWindowMs, 100, 3_600_000),
  /** How long a nonce stays reserved while its send is in flight (covers a gateway dying mid-send). */
  NONCE_PENDING_TTL_MS: env.int(15_000, 1_000, 600_000),
  /** At most one `typing:start` per user per channel per this many ms is relayed, fleet-wide. */
  TYPING_THROTTLE_MS: env.int(2_000, 100, 60_000),
  /** Publisher back-pressure: sends beyond this many unconfirmed messages are refused UNAVAILABLE. */
  PUBLISH_MAX_IN_FLIGHT: env.int(2_000, 1, 1_000_000),
  /** How long a positive authorization answer is reused (membership events drop it sooner). */
  AUTHZ_CACHE_TTL_MS: env.int(AUTHZ_CACHE_TTL_MS, 0, 300_000),
  /** Per-socket guard against event floods: sustained events per second and burst. */
  SOCKET_EVENT_RATE: env.int(20, 1, 10_000),
  SOCKET_EVENT_BURST: env.int(60, 1, 100_000),
  /** Channels one socket may be joined to at once. */
  MAX_JOINED_CHANNELS: env.int(500, 1, 100_000),
  /** Presence (SPEC 11): each gateway renews a lease this often; one that stops is swept after the lease ran out. */
  PRESENCE_HEARTBEAT_MS: env.int(5_000, 100, 60_000),
  PRESENCE_LEASE_MS: env.int(15_000, 500, 120_000),
});

export type GatewayConfig = z.infer<typeof schema> & { readonly JWT_PUBLIC_KEY: string };

/** Parses the gateway's environment once; throws ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Readonly<GatewayConfig> {
  const parsed = parseEnv(schema, source);
  const pem = pemFromEnv(source, 'JWT_PUBLIC_KEY');
  if (!pem) throw new ConfigError('invalid configuration:\n  JWT_PUBLIC_KEY: required (PEM, or JWT_PUBLIC_KEY_FILE naming a file)');
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ec') throw new Error(`expected an EC (P-256) key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  JWT_PUBLIC_KEY: not a usable public key PEM: ${(err as Error).message}`);
  }
  return Object.freeze({ ...parsed, JWT_PUBLIC_KEY: pem });
}
