import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import {
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  queuePolicy,
  topologyNames,
  type QueueType,
  type TopologyNames,
} from '@chorus/contracts';
import { redisClusterNodes } from './redis.js';

/** Raised when the environment is invalid; its message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses an environment with a zod object schema keyed by variable name, once, at start-up.
 * The result is frozen. A bad value throws ConfigError naming the variable and what is wrong.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(result.data);
}

/** Environment variable helpers: strings in, typed values out. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  int: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(fallback),
  url: (fallback: string, protocols: string[]) =>
    z
      .string()
      .default(fallback)
      .refine(
        (v) => {
          try {
            return protocols.includes(new URL(v).protocol);
          } catch {
            return false;
          }
        },
        `must be a URL with protocol ${protocols.join(' or ')}`,
      ),
  /**
   * One URL, or several separated by commas (the nodes of a cluster, tried in turn): each must have one
   * of `protocols`. Kept as the text; `splitUrls` turns it into the list.
   */
  urlList: (fallback: string, protocols: string[]) =>
    z
      .string()
      .default(fallback)
      .refine(
        (v) =>
          splitUrls(v).length > 0 &&
          splitUrls(v).every((u) => {
            try {
              return protocols.includes(new URL(u).protocol);
            } catch {
              return false;
            }
          }),
        `must be one URL, or several separated by commas, each with protocol ${protocols.join(' or ')}`,
      ),
  str: (fallback: string) => z.string().min(1).default(fallback),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A name safe to use in queue names and Redis keys. */
  prefix: (fallback: string) =>
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 of [A-Za-z0-9_.:-]')
      .default(fallback),
  /**
   * This process's name in its fleet (queue names, engine.io id prefixes): 1-64 of `[A-Za-z0-9_-]`,
   * `<hostname>-<pid>` by default.
   */
  instanceId: () =>
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of [A-Za-z0-9_-]')
      .default(() => defaultInstanceId()),
};

/** `a,b , c` → `['a','b','c']` (empty parts dropped). */
export function splitUrls(list: string): string[] {
  return list
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
}

/** `<hostname>-<pid>`, reduced to the characters a queue name and an engine.io id prefix may hold. */
export function defaultInstanceId(host = hostname(), pid = process.pid): string {
  const clean = host.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 48) || 'chorus';
  return `${clean}-${pid}`;
}

/** PEM text from `<NAME>` (literal `\n` allowed) or from the file named by `<NAME>_FILE`. */
export function pemFromEnv(envVars: Record<string, string | undefined>, name: string): string | undefined {
  const inline = envVars[name];
  if (inline) return inline.replace(/\\n/g, '\n');
  const file = envVars[`${name}_FILE`];
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${name}_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * Membership's ES256 public key, from `JWT_PUBLIC_KEY` (literal `\n` allowed) or `JWT_PUBLIC_KEY_FILE`:
 * the PEM text, or a ConfigError saying why it is missing or unusable.
 */
export function publicKeyFromEnv(envVars: Record<string, string | undefined>): string {
  const pem = pemFromEnv(envVars, 'JWT_PUBLIC_KEY');
  if (!pem)
    throw new ConfigError('invalid configuration:\n  JWT_PUBLIC_KEY: required (PEM text, or JWT_PUBLIC_KEY_FILE naming a PEM file)');
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ec') throw new Error(`expected an EC (P-256) key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  JWT_PUBLIC_KEY: not a usable ES256 public key (${(err as Error).message})`);
  }
  return pem;
}

/** The variables every service shares (SPEC 7), with their local defaults. */
export const commonEnv = {
  MONGODB_URI: env.url('mongodb://127.0.0.1:27017/chorus', ['mongodb:', 'mongodb+srv:']),
  REDIS_URL: env.url('redis://127.0.0.1:6379', ['redis:', 'rediss:']),
  /** Seed nodes of a Redis Cluster (`host:port,...`); unset: the one Redis of REDIS_URL. */
  REDIS_CLUSTER_NODES: redisClusterNodes(),
  /** One broker, or the nodes of a RabbitMQ cluster separated by commas (the connection tries them in turn). */
  AMQP_URL: env.urlList('amqp://guest:guest@127.0.0.1:5672', ['amqp:', 'amqps:']),
  /** Type of the durable work queues (history, broadcasts, DM activity and their DLQs): see libs/contracts queue-policy.ts. */
  AMQP_QUEUE_TYPE: z.enum(['quorum', 'classic']).default('quorum'),
  /** Quorum queues: deliveries of one message before the broker dead-letters it (`x-delivery-limit`). */
  AMQP_DELIVERY_LIMIT: env.int(DEFAULT_DELIVERY_LIMIT, 1, 1_000),
  /** Prefix of every exchange and queue name (tests isolate runs with it, as with a vhost). */
  AMQP_PREFIX: env.prefix('chorus'),
  LOG_LEVEL: env.logLevel(),
  JWT_ISSUER: env.str(DEFAULT_TOKEN_ISSUER),
  JWT_AUDIENCE: env.str(DEFAULT_TOKEN_AUDIENCE),
  /** Milliseconds to finish in-flight work after SIGTERM before exiting anyway. */
  SHUTDOWN_TIMEOUT_MS: env.int(8_000, 100, 60_000),
};

/** The variables of a service's one-shot `migrate` command (mongo/migrate-command.ts): MongoDB only. */
const migrateEnv = z.object({
  MONGODB_URI: commonEnv.MONGODB_URI,
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  /** How long to wait for MongoDB before giving up (a Job/init container then fails and is retried). */
  MIGRATE_TIMEOUT_MS: env.int(120_000, 1_000, 3_600_000),
});

export type MigrateConfig = z.infer<typeof migrateEnv>;

/** Parses the migrate command's environment once; throws ConfigError naming every bad variable. */
export function loadMigrateConfig(source: Record<string, string | undefined> = process.env): Readonly<MigrateConfig> {
  return parseEnv(migrateEnv, source);
}

/**
 * For a service's main.ts: parses its configuration, or prints the ConfigError (which names every bad
 * variable) to stderr and exits 2 (a usage error, not a crash) before anything else starts.
 */
export function loadConfigOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${service}: ${err.message}\n`);
    process.exit(2);
  }
}

/** The broker names and queue policy of a service, from its parsed configuration (once per process). */
export function brokerNames(config: { AMQP_PREFIX: string; AMQP_QUEUE_TYPE: QueueType; AMQP_DELIVERY_LIMIT: number }): TopologyNames {
  return topologyNames(config.AMQP_PREFIX, queuePolicy(config.AMQP_QUEUE_TYPE, config.AMQP_DELIVERY_LIMIT));
}
