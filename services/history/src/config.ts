import { z } from 'zod';
import { ConfigError, commonEnv, env, parseEnv, publicKeyFromEnv } from '@chorus/runtime';

/** Every variable history reads (SPEC 7 plus the consumer's tuning knobs). */
const HistoryEnv = z.object({
  PORT: env.port(3002),
  ...commonEnv,
  /** Unacked deliveries the broker may hand the consumer at once (bounded prefetch). */
  HISTORY_PREFETCH: env.int(1_000, 1, 10_000),
  /** Messages written by one insertMany. */
  HISTORY_BATCH_SIZE: env.int(500, 1, 5_000),
  /** How long a partial batch may wait for more messages before it is written anyway. */
  HISTORY_BATCH_WAIT_MS: env.int(50, 0, 5_000),
  /**
   * How long a positive membership answer may be reused. 0 (default): ask membership on every request, so
   * a change of membership or permissions applies at once. Above 0, the replica's own cache queue
   * (named by INSTANCE_ID) drops answers on every such change.
   */
  HISTORY_AUTHZ_CACHE_MS: env.int(0, 0, 30_000),
  /** This replica's name in the fleet: names its authorization-cache queue. */
  INSTANCE_ID: env.instanceId(),
});

export type HistoryConfig = Readonly<
  z.infer<typeof HistoryEnv> & {
    /** PEM of membership's ES256 public key (JWT_PUBLIC_KEY or JWT_PUBLIC_KEY_FILE). */
    jwtPublicKey: string;
  }
>;

/** Parses the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): HistoryConfig {
  const parsed = parseEnv(HistoryEnv, source);
  const jwtPublicKey = publicKeyFromEnv(source);
  if (parsed.HISTORY_BATCH_SIZE > parsed.HISTORY_PREFETCH) {
    throw new ConfigError('invalid configuration:\n  HISTORY_BATCH_SIZE: must not exceed HISTORY_PREFETCH (a batch could never fill)');
  }
  return Object.freeze({ ...parsed, jwtPublicKey });
}
