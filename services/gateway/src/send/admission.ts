import type { Redis } from 'ioredis';
import { LIMITS, Message } from '@chorus/contracts';
import { AppError, type Logger } from '@chorus/runtime';
import { roomShardChannel } from '../broadcast/message-created.js';
import { loadLuaScript } from '../redis-script.js';
import { channelRoom } from '../types.js';

export type AdmitResult =
  | { kind: 'ok'; id: string; createdAt: string }
  | { kind: 'duplicate'; message: Message }
  /** The nonce's message was published but its confirm never came: publish the same message again. */
  | { kind: 'republish'; message: Message }
  | { kind: 'pending' }
  | { kind: 'limited'; retryAfterMs: number };

/**
 * The send path's Redis side (admission.lua): one script call per step. Every step after admission
 * resolves with how many broadcasts of the channel are still parked (waiting for an earlier id).
 */
/** A message before admission: everything but the id and the timestamp admission gives it. */
export type MessageDraft = Omit<Message, 'id' | 'createdAt'>;

export interface Admission {
  /**
   * Nonce lookup, rolling-window rate limit, id + timestamp, nonce reservation, the id joins the channel's
   * in-flight set. With a nonce, the reservation keeps `draft`: if the admitting gateway dies before it
   * settles the send (perhaps after the publish left), a retry with the nonce gets `republish` with the
   * same message (same id and createdAt) once `takeoverMs` passed, instead of waiting for the
   * reservation to expire and then making a second message.
   */
  admit(userId: string, channelId: string, nonce: string | undefined, draft?: MessageDraft): Promise<AdmitResult>;
  /**
   * The message is durable in the broker: its nonce now replays it, and its broadcast (`payload`, the
   * adapter's wire format) is published by Redis as soon as every earlier id of the channel was.
   */
  commit(userId: string, nonce: string | undefined, message: Message, payload: string): Promise<number>;
  /** The send was refused before it reached the broker: slot, nonce reservation and place given back. */
  release(userId: string, channelId: string, id: string, nonce: string | undefined): Promise<number>;
  /** The publish left but was never confirmed: the nonce keeps the message for a republish; the channel moves on. */
  unknown(userId: string, nonce: string | undefined, message: Message): Promise<number>;
  /** Publishes the channel's parked broadcasts whose turn came (dropping earlier ids abandoned for `holdMs`). */
  flush(channelId: string): Promise<number>;
}

export interface AdmissionOptions {
  redis: Redis;
  prefix: string;
  /** The rooms adapter's channel prefix (redis.ts `roomsChannelPrefix`). */
  channelPrefix: string;
  limit: number;
  windowMs: number;
  pendingTtlMs: number;
  /**
   * How long an earlier id of the channel can hold later broadcasts back; past it, the id counts as
   * abandoned (its gateway died between admission and commit). Longer than a publish can take.
   */
  holdMs?: number;
  /**
   * How long a reservation may stay unsettled before a retry of its nonce takes it over (rebuilds and
   * republishes the message). Longer than a publish can take (its 5 s confirm timeout), so a live
   * gateway settles its own send first; shorter than `pendingTtlMs`, or the reservation expires first.
   */
  takeoverMs?: number;
  logger: Logger;
  nonceTtlSeconds?: number;
}

const unavailable = () => new AppError('UNAVAILABLE', 'Send service is temporarily unavailable, try again');

/** The Redis keys of the send path, all under the configured prefix. */
export function sendKeys(prefix: string, userId: string, nonce: string | undefined, channelId: string): string[] {
  return [
    `${prefix}send:rate:${userId}`,
    `${prefix}send:nonce:${userId}:${nonce ?? ''}`,
    `${prefix}send:clock`,
    `${prefix}send:inflight:${channelId}`,
    `${prefix}send:parked:${channelId}`,
  ];
}

const parseStored = (raw: string | undefined, logger: Logger, userId: string): Message => {
  let value: unknown;
  try {
    value = JSON.parse(raw ?? '');
  } catch {
    value = undefined;
  }
  const message = Message.safeParse(value);
  if (message.success) return message.data;
  logger.error({ userId }, 'stored nonce does not hold a valid message');
  throw new AppError('INTERNAL', 'The original message of this nonce cannot be read');
};

/** The message an abandoned reservation stood for: its draft with the id and timestamp admission gave it. */
const rebuild = (id: string, createdMs: string, draft: unknown, logger: Logger, userId: string): Message => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(draft));
  } catch {
    parsed = undefined;
  }
  const value = parsed && typeof parsed === 'object' ? { ...parsed, id, createdAt: new Date(Number(createdMs)).toISOString() } : undefined;
  return parseStored(JSON.stringify(value ?? null), logger, userId);
};

/** Fleet-wide send admission and per-channel broadcast order over Redis (see admission.lua). */
export function createAdmission(options: AdmissionOptions): Admission {
  const { redis, prefix, channelPrefix, limit, windowMs, pendingTtlMs, logger } = options;
  const nonceTtl = options.nonceTtlSeconds ?? LIMITS.nonceTtlSeconds;
  const holdSeconds = Math.ceil((options.holdMs ?? 7_000) / 1000);
  const takeoverMs = options.takeoverMs ?? Math.min(6_000, Math.floor(pendingTtlMs / 2));
  const script = loadLuaScript(redis, new URL('./admission.lua', import.meta.url));
  const shard = (channelId: string) => roomShardChannel(channelPrefix, channelRoom(channelId));
  const run = (keys: string[], args: (string | number)[]) => script.run(keys, args);
  const parked = async (keys: string[], args: (string | number)[]) => Number(await run(keys, args));

  return {
    async admit(userId, channelId, nonce, draft) {
      let reply: unknown;
      try {
        reply = await run(sendKeys(prefix, userId, nonce, channelId), [
          'admit',
          limit,
          windowMs,
          pendingTtlMs,
          nonce ? '1' : '0',
          holdSeconds,
          nonce && draft ? JSON.stringify(draft) : '',
          takeoverMs,
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
        case 'duplicate':
        case 'republish':
          return { kind, message: parseStored(a, logger, userId) };
        case 'takeover':
          return { kind: 'republish', message: rebuild(a!, b!, (reply as unknown[])[3], logger, userId) };
        default:
          logger.error({ reply }, 'unexpected admission reply');
          throw unavailable();
      }
    },
    commit(userId, nonce, message, payload) {
      const keys = sendKeys(prefix, userId, nonce, message.channelId);
      const stored = nonce ? JSON.stringify(message) : '';
      return parked(keys, ['commit', message.id, nonce ? '1' : '0', stored, nonceTtl, holdSeconds, shard(message.channelId), payload]);
    },
    release(userId, channelId, id, nonce) {
      return parked(sendKeys(prefix, userId, nonce, channelId), ['release', id, nonce ? '1' : '0', holdSeconds, shard(channelId)]);
    },
    unknown(userId, nonce, message) {
      const keys = sendKeys(prefix, userId, nonce, message.channelId);
      const stored = nonce ? JSON.stringify(message) : '';
      return parked(keys, ['unknown', message.id, nonce ? '1' : '0', stored, nonceTtl, holdSeconds, shard(message.channelId)]);
    },
    flush(channelId) {
      return parked(sendKeys(prefix, '', undefined, channelId), ['flush', holdSeconds, shard(channelId)]);
    },
  };
}
