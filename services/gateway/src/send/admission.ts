import { randomBytes } from 'node:crypto';
import { LIMITS, Message } from '@chorus/contracts';
import { AppError, isRedisCluster, type Logger, type RedisClient } from '@chorus/runtime';
import { roomShardChannel } from '../broadcast/message-created.js';
import { slotOf } from '../redis-keys.js';
import { isId, sendScripts } from './send-scripts.js';
import { channelRoom } from '../types.js';

export type AdmitResult =
  | { kind: 'ok'; id: string; createdAt: string }
  | { kind: 'duplicate'; message: Message }
  /** The nonce's message was published but its confirm never came: publish the same message again. */
  | { kind: 'republish'; message: Message }
  | { kind: 'pending' }
  | { kind: 'limited'; retryAfterMs: number };

/**
 * The send path's Redis side (send-user.lua, send-channel.lua): one script call per step and slot. Every step after admission
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
  redis: RedisClient;
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

/** The ticket an id's send holds, forgotten: its commit/release/unknown settles it. */
const take = (tickets: Map<string, string>, id: string) => {
  const ticket = tickets.get(id) ?? '';
  tickets.delete(id);
  return ticket;
};

/**
 * Fleet-wide send admission and per-channel broadcast order over Redis: send-user.lua on the user's slot
 * (nonce, rate limit), then send-channel.lua on the channel's (id, order). Two scripts because a Redis
 * Cluster runs a script on one slot only; the same two run on a single Redis.
 */
export function createAdmission(options: AdmissionOptions): Admission {
  const { redis, prefix, channelPrefix, limit, windowMs, pendingTtlMs, logger } = options;
  const nonceTtl = options.nonceTtlSeconds ?? LIMITS.nonceTtlSeconds;
  const holdSeconds = Math.ceil((options.holdMs ?? 7_000) / 1000);
  const split = isRedisCluster(redis) ? '1' : '0';
  const scripts = sendScripts(redis, prefix, logger);
  const { user, channel } = scripts;
  const takeoverMs = options.takeoverMs ?? Math.min(6_000, Math.floor(pendingTtlMs / 2));
  const shard = (channelId: string) => roomShardChannel(channelPrefix, channelRoom(channelId));
  /** id -> the ticket its user step took (the rate slot and nonce reservation), until commit/release/unknown. */
  const tickets = new Map<string, string>();
  const takeTicket = (id: string) => take(tickets, id);
  /** With a nonce, what binds the id to the reservation (send-user.lua `bind`, less the id and time the channel half gives). */
  const bindArgs = (nonce: string | undefined, ticket: string, draft: MessageDraft | undefined) =>
    nonce === undefined ? [] : [ticket, takeoverMs, pendingTtlMs, draft ? JSON.stringify(draft) : ''];
  const assign = createAssign({
    ...scripts,
    logger,
    holdSeconds,
    takeoverMs,
    pendingTtlMs,
    split,
    shard,
    tickets,
  });

  return {
    async admit(userId, channelId, nonce, draft) {
      const ticket = randomBytes(9).toString('base64url');
      const userArgs = ['admit', limit, windowMs, pendingTtlMs, nonce ? '1' : '0', ticket, takeoverMs];
      let reply: unknown;
      try {
        // One Redis: user half, id and bind in one call. A Cluster: the user half now, the rest in `assign`.
        reply = scripts.admitOne
          ? await scripts.admitOne(
              userId,
              nonce,
              channelId,
              userArgs,
              ['assign', holdSeconds, slotOf(channelId)],
              bindArgs(nonce, ticket, draft),
            )
          : await user(userId, nonce, userArgs);
      } catch (err) {
        logger.warn({ err }, 'send admission failed');
        throw unavailable();
      }
      if (scripts.admitOne) return admitReply(reply, { userId, ticket, tickets, logger });
      return admitReply(reply, { userId, ticket, tickets, logger, assign: () => assign(userId, channelId, nonce, ticket, draft) });
    },
    // The two halves of commit/release/unknown are independent: one call on one Redis, sent together on a Cluster.
    commit(userId, nonce, message, payload) {
      const ticket = takeTicket(message.id);
      return scripts.pair(
        userId,
        nonce,
        nonce ? ['commit', ticket, '1', JSON.stringify(message), nonceTtl, message.id] : undefined,
        message.channelId,
        ['commit', message.id, holdSeconds, shard(message.channelId), payload, split],
      );
    },
    release(userId, channelId, id, nonce) {
      return scripts.pair(userId, nonce, ['release', takeTicket(id), nonce ? '1' : '0'], channelId, [
        'release',
        id,
        holdSeconds,
        shard(channelId),
        split,
      ]);
    },
    unknown(userId, nonce, message) {
      const ticket = takeTicket(message.id);
      return scripts.pair(
        userId,
        nonce,
        nonce ? ['unknown', ticket, '1', JSON.stringify(message), nonceTtl, message.id] : undefined,
        message.channelId,
        ['unknown', message.id, holdSeconds, shard(message.channelId), split],
      );
    },
    flush(channelId) {
      return channel(channelId, ['flush', holdSeconds, shard(channelId), split]);
    },
  };
}

/**
 * What an admit reply means. An 'ok' of the composed script carries the id (one Redis); an 'ok' of the
 * user half alone (a Cluster) is finished by `assign` (the channel half, then bind).
 */
function admitReply(
  reply: unknown,
  ctx: { userId: string; ticket: string; tickets: Map<string, string>; logger: Logger; assign?: () => Promise<AdmitResult> },
): AdmitResult | Promise<AdmitResult> {
  const { userId, ticket, tickets, logger } = ctx;
  const [kind, a, b] = Array.isArray(reply) ? (reply as unknown[]).map(String) : [];
  switch (kind) {
    case 'ok':
      if (ctx.assign) return ctx.assign();
      if (!a || !isId(a)) break;
      tickets.set(a, ticket);
      return { kind: 'ok', id: a, createdAt: new Date(Number(b)).toISOString() };
    case 'pending':
      return { kind };
    case 'limited':
      return { kind, retryAfterMs: Number(a) };
    case 'duplicate':
    case 'republish':
      return { kind, message: parseStored(a, logger, userId) };
    case 'takeover': {
      // This send now holds the reservation (under its ticket) until it settles the rebuilt message.
      const message = rebuild(a!, b!, (reply as unknown[])[3], logger, userId);
      tickets.set(message.id, ticket);
      return { kind: 'republish', message };
    }
  }
  logger.error({ reply }, 'unexpected admission reply');
  throw unavailable();
}

/**
 * The admitted send's id: send-channel.lua assigns it, then (with a nonce) send-user.lua binds it, its
 * createdAt and the draft to the reservation, before anything is published.
 */
function createAssign(deps: {
  user: ReturnType<typeof sendScripts>['user'];
  channel: ReturnType<typeof sendScripts>['channel'];
  assignId: ReturnType<typeof sendScripts>['assignId'];
  logger: Logger;
  holdSeconds: number;
  takeoverMs: number;
  pendingTtlMs: number;
  split: string;
  shard: (channelId: string) => string;
  tickets: Map<string, string>;
}) {
  const { user, channel, assignId, logger, holdSeconds, takeoverMs, pendingTtlMs, split, shard, tickets } = deps;
  const assign = async (
    userId: string,
    channelId: string,
    nonce: string | undefined,
    ticket: string,
    draft: MessageDraft | undefined,
  ): Promise<AdmitResult> => {
    let id: string;
    let nowMs: number;
    try {
      ({ id, nowMs } = await assignId(channelId, holdSeconds));
    } catch (err) {
      logger.warn({ err }, 'send admission failed (channel step)');
      await user(userId, nonce, ['release', ticket, nonce ? '1' : '0']).catch(() => undefined);
      throw unavailable();
    }
    // The id is known only now: the user's reservation takes it (with the draft) before anything is
    // published, so a retry after this gateway died can take the very same message over.
    if (nonce) await bind(userId, channelId, nonce, ticket, { id, nowMs, draft });
    tickets.set(id, ticket);
    return { kind: 'ok', id, createdAt: new Date(nowMs).toISOString() };
  };
  const bind = async (
    userId: string,
    channelId: string,
    nonce: string,
    ticket: string,
    send: { id: string; nowMs: number; draft: MessageDraft | undefined },
  ) => {
    const draftJson = send.draft ? JSON.stringify(send.draft) : '';
    let bound: unknown;
    try {
      bound = await user(userId, nonce, ['bind', ticket, send.id, send.nowMs, takeoverMs, pendingTtlMs, draftJson]);
    } catch (err) {
      logger.warn({ err }, 'send admission failed (binding the id to the nonce)');
    }
    if (Number(bound) === 1) return;
    // Not bound (Redis failed, or the reservation expired or was replaced): never publish this id.
    await Promise.all([
      user(userId, nonce, ['release', ticket, '1']),
      channel(channelId, ['release', send.id, holdSeconds, shard(channelId), split]),
    ]).catch(() => undefined);
    throw unavailable();
  };
  return assign;
}
