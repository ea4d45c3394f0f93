import { createPrivateKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { LIMITS } from '@chorus/contracts';
import { ConfigError, commonEnv, env, parseEnv, pemFromEnv } from '@chorus/runtime';

const schema = z.object({
  ...commonEnv,
  PORT: env.port(3001),
  /** Prefix of every Redis key this service writes (login and registration rate limits). */
  REDIS_PREFIX: env.prefix('chorus:'),
  /** Names this replica's broker queue; defaults to host + pid. */
  INSTANCE_ID: env.instanceId(),
  /** argon2id cost (OWASP 2024 minimum: 19 MiB, 2 passes, 1 lane). Tests lower these to run fast. */
  ARGON2_MEMORY_KIB: env.int(19_456, 1_024, 4_194_304),
  ARGON2_TIME_COST: env.int(2, 1, 20),
  ARGON2_PARALLELISM: env.int(1, 1, 16),
  /** Refresh token lifetime; each rotation starts a new one. */
  REFRESH_TOKEN_TTL_SECONDS: env.int(30 * 24 * 3600, 60, 365 * 24 * 3600),
  /** Login brute-force limits (SPEC 2): failures per (username, IP) and per IP in a fixed window. */
  LOGIN_MAX_FAILURES_PER_USER_IP: env.int(5, 1, 1_000_000),
  LOGIN_MAX_FAILURES_PER_IP: env.int(100, 1, 1_000_000),
  LOGIN_FAILURE_WINDOW_SECONDS: env.int(15 * 60, 1, 24 * 3600),
  /** Accounts one client IP may create (attempts, taken names included) per window. */
  REGISTRATIONS_PER_IP: env.int(20, 1, 1_000_000),
  REGISTRATION_WINDOW_SECONDS: env.int(3600, 1, 7 * 24 * 3600),
  /** People search (`GET /api/users?q=`) per user, and profile edits + DM opens per user (SPEC 10). */
  USER_SEARCH_PER_WINDOW: env.int(30, 1, 1_000_000),
  USER_SEARCH_WINDOW_SECONDS: env.int(10, 1, 3600),
  PEOPLE_WRITES_PER_WINDOW: env.int(30, 1, 1_000_000),
  PEOPLE_WRITES_WINDOW_SECONDS: env.int(10, 1, 3600),
  /** Every authenticated REST write (POST/PUT/PATCH/DELETE) per user per window, fleet-wide (SPEC 3). */
  REST_WRITES_PER_WINDOW: env.int(LIMITS.restWriteRateLimit, 1, 1_000_000_000),
  REST_WRITES_WINDOW_SECONDS: env.int(LIMITS.restWriteRateWindowSeconds, 1, 3600),
  /** Quotas (SPEC 3, Discord's defaults): servers a user is a member of (owned included), channels and roles per server. */
  MAX_SERVERS_PER_USER: env.int(LIMITS.serversPerUserDefault, 1, 1_000_000),
  MAX_CHANNELS_PER_SERVER: env.int(LIMITS.channelsPerServerDefault, 1, 1_000_000),
  MAX_ROLES_PER_SERVER: env.int(LIMITS.rolesPerServerDefault, 1, 1_000_000),
  /** Authorization RPC: unacknowledged requests one replica works on at once. */
  AUTHZ_PREFETCH: env.int(100, 1, 10_000),
  /** How long a replica trusts its in-process channel → server cache (deletions invalidate it sooner). */
  CHANNEL_CACHE_TTL_MS: env.int(60_000, 0, 3_600_000),
  CHANNEL_CACHE_MAX_ENTRIES: env.int(50_000, 0, 10_000_000),
  /** How often pending outbox events are retried after the broker refused them. */
  OUTBOX_RETRY_MS: env.int(1_000, 50, 60_000),
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_PRIVATE_KEY_FILE: z.string().optional(),
});

export type MembershipConfig = Readonly<
  Omit<z.infer<typeof schema>, 'JWT_PRIVATE_KEY' | 'JWT_PRIVATE_KEY_FILE'> & {
    /** The ES256 (P-256) signing key; the public key is derived from it. */
    privateKey: KeyObject;
  }
>;

/** Parses the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(vars: Record<string, string | undefined> = process.env): MembershipConfig {
  const parsed = parseEnv(schema, vars);
  const pem = pemFromEnv(vars, 'JWT_PRIVATE_KEY');
  if (!pem) {
    throw new ConfigError(
      'invalid configuration:\n  JWT_PRIVATE_KEY: required (PKCS8 PEM of an ES256 P-256 key), or JWT_PRIVATE_KEY_FILE naming one',
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  JWT_PRIVATE_KEY: not a private key PEM (${(err as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigError('invalid configuration:\n  JWT_PRIVATE_KEY: must be an EC P-256 key (ES256)');
  }
  const { JWT_PRIVATE_KEY: _inline, JWT_PRIVATE_KEY_FILE: _file, ...rest } = parsed;
  return Object.freeze({ ...rest, privateKey });
}
