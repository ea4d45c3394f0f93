import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { LIMITS, Message } from '@chorus/contracts';
import { AppError, type Logger } from '@chorus/runtime';

export type AdmitResult =
  | { kind: 'ok'; id: string; createdAt: string }
  | { kind: 'duplicate'; message: Message }
  | { kind: 'pending' }
  | { kind: 'limited'; retryAfterMs: number };

export interface Admission {
  /**
   * One round trip: nonce lookup, rolling-window rate limit, id + timestamp, nonce reservation, and
   * the id joins the channel's in-flight set.
   */
  admit(userId: string, channelId: string, nonce: string | undefined): Promise<AdmitResult>;
  /** The admitted send was not published: give back its slot, its nonce reservation and its place. */
  release(userId: string, channelId: string, id: string, nonce: string | undefined): Promise<void>;
  /**
   * The admitted send was published: its nonce now answers with this message for 10 minutes. Resolves
   * true when it may be broadcast now, false while an earlier id of its channel is still in flight.
   */
  commit(userId: string, nonce: string | undefined, message: Message): Promise<boolean>;
  /** The channel's earliest id still in flight, if any (abandoned ones expire after `holdMs`). */
  earliestInFlight(channelId: string): Promise<string | undefined>;
  /** The message was broadcast: later ids of its channel may go. Resolves with the channel's earliest id now in flight. */
  settle(channelId: string, id: string): Promise<string | undefined>;
}

export interface AdmissionOptions {
  redis: Redis;
  prefix: string;
  limit: number;
  windowMs: number;
  pendingTtlMs: number;
  /**
   * How long an earlier id of the channel can hold later broadcasts back; past it, the id counts as
   * abandoned (its gateway died between admission and broadcast). Longer than a publish can take.
   */
  holdMs?: number;
  logger: Logger;
  nonceTtlSeconds?: number;
}

let script: { lua: string; sha: string } | undefined;
function loadScript(): { lua: string; sha: string } {
  if (!script) {
    const lua = readFileSync(new URL('./admission.lua', import.meta.url), 'utf8');
    script = { lua, sha: createHash('sha1').update(lua).digest('hex') };
  }
  return script;
}

const unavailable = () => new AppError('UNAVAILABLE', 'Send service is temporarily unavailable, try again');

/** The Redis keys of the send path, all under the configured prefix. */
export function sendKeys(prefix: string, userId: string, nonce: string | undefined, channelId: string): [string, string, string, string] {
  return [
    `${prefix}send:rate:${userId}`,
    `${prefix}send:nonce:${userId}:${nonce ?? ''}`,
    `${prefix}send:clock`,
    `${prefix}send:inflight:${channelId}`,
  ];
}

/** Fleet-wide send admission over Redis (see admission.lua). Redis failures surface as UNAVAILABLE. */
export function createAdmission(options: AdmissionOptions): Admission {
  const { redis, prefix, limit, windowMs, pendingTtlMs, logger } = options;
  const nonceTtl = options.nonceTtlSeconds ?? LIMITS.nonceTtlSeconds;
  const holdSeconds = Math.ceil((options.holdMs ?? 7_000) / 1000);
  const { lua, sha } = loadScript();

  const run = async (keys: string[], args: (string | number)[]): Promise<unknown> => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };

  return {
    async admit(userId, channelId, nonce) {
      let reply: unknown;
      try {
        reply = await run(sendKeys(prefix, userId, nonce, channelId), [
          'admit',
          limit,
          windowMs,
          pendingTtlMs,
          nonce ? '1' : '0',
          holdSeconds,
        ]);
      } catch (err) {
        logger.warn({ err }, 'send admission failed');
        throw unavailable();
      }
      const [kind, a, b] = Array.isArray(reply) ? (reply as unknown[]).map(String) : [];
      switch (kind) {
        case 'ok':
          return { kind, id: a!, createdAt: new Date(Number(b)).toISOString() };
        case 'pending':
          return { kind };
        case 'limited':
          return { kind, retryAfterMs: Number(a) };
        case 'duplicate': {
          let raw: unknown;
          try {
            raw = JSON.parse(a!);
          } catch {
            raw = undefined;
          }
          const message = Message.safeParse(raw);
          if (message.success) return { kind, message: message.data };
          logger.error({ userId }, 'stored nonce does not hold a valid message');
          throw new AppError('INTERNAL', 'The original message of this nonce cannot be read');
        }
        default:
          logger.error({ reply }, 'unexpected admission reply');
          throw unavailable();
      }
    },
    async release(userId, channelId, id, nonce) {
      await run(sendKeys(prefix, userId, nonce, channelId), ['release', id, nonce ? '1' : '0']);
    },
    async commit(userId, nonce, message) {
      const keys = sendKeys(prefix, userId, nonce, message.channelId);
      const stored = nonce ? JSON.stringify(message) : '';
      return (await run(keys, ['commit', message.id, nonce ? '1' : '0', stored, nonceTtl, holdSeconds])) === 1;
    },
    async earliestInFlight(channelId) {
      const first = await run(sendKeys(prefix, '', undefined, channelId), ['earliest', holdSeconds]);
      return typeof first === 'string' ? first : undefined;
    },
    async settle(channelId, id) {
      const next = await run(sendKeys(prefix, '', undefined, channelId), ['settle', id, holdSeconds]);
      return typeof next === 'string' ? next : undefined;
    },
  };
}
