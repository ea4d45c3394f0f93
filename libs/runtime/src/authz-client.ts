import { randomUUID } from 'node:crypto';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { z } from 'zod';
import {
  AUTHZ_CACHE_TTL_MS,
  AUTHZ_REQUEST_TTL_MS,
  AUTHZ_TIMEOUT_MS,
  AuthzResponse,
  ChannelListResponse,
  type ChannelListRequest,
  type TopologyNames,
} from '@chorus/contracts';
import type { Logger } from './logger.js';
import { AppError } from './http/app-error.js';
import { parseJson } from './json.js';

const REPLY_QUEUE = 'amq.rabbitmq.reply-to';

export interface AuthzClientOptions {
  connection: AmqpConnectionManager;
  names: TopologyNames;
  logger: Logger;
  cacheTtlMs?: number;
  timeoutMs?: number;
}

export interface AuthzClient {
  /** Membership's answer for (user, channel). Throws AppError UNAVAILABLE when membership does not answer. */
  check(userId: string, channelId: string): Promise<AuthzResponse>;
  /** The channels a user may read: of one server, or their DMs (never cached: it is one request per page view). */
  channels(request: ChannelListRequest): Promise<ChannelListResponse>;
  /** Drop cached answers: call on member.left / server.deleted / channel.deleted. */
  forgetMember(userId: string, serverId: string): void;
  forgetServer(serverId: string): void;
  forgetChannel(channelId: string): void;
  close(): Promise<void>;
}

/** Membership said yes: the channel (with its server) and the caller's role there. */
export type ChannelAccess = Extract<AuthzResponse, { status: 'allowed' }>;

/** The channel list when allowed, else the same AppErrors as `requireAccess` (a server instead of a channel). */
export function requireChannelList(answer: ChannelListResponse): Extract<ChannelListResponse, { status: 'allowed' }> {
  switch (answer.status) {
    case 'allowed':
      return answer;
    case 'not_member':
      throw new AppError('NOT_MEMBER', 'You are not a member of this server');
    case 'not_found':
      throw new AppError('NOT_FOUND', 'Server not found');
    case 'invalid':
      throw new AppError('VALIDATION_FAILED', 'Request is invalid', [{ path: '', message: answer.message }]);
  }
}

/**
 * Membership's answer as every service acts on it: the access when allowed, else an AppError —
 * `not_member` → NOT_MEMBER, `not_found` → NOT_FOUND, `invalid` → VALIDATION_FAILED (and no answer at
 * all is UNAVAILABLE, thrown by `check`).
 */
export function requireAccess(answer: AuthzResponse): ChannelAccess {
  switch (answer.status) {
    case 'allowed':
      return answer;
    case 'not_member':
      throw new AppError('NOT_MEMBER', 'You are not a member of this channel’s server');
    case 'not_found':
      throw new AppError('NOT_FOUND', 'Channel not found');
    case 'invalid':
      throw new AppError('VALIDATION_FAILED', 'Request is invalid', [{ path: '', message: answer.message }]);
  }
}

interface Pending {
  schema: z.ZodType;
  resolve: (r: never) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface Cached {
  answer: Extract<AuthzResponse, { status: 'allowed' }>;
  expiresAt: number;
}

/**
 * The caller side of the authorization RPC (contracts: broker/rpc.ts) over RabbitMQ direct reply-to.
 * Positive answers are cached for a short TTL and dropped on membership events; identical concurrent
 * questions share one request.
 */
export function createAuthzClient(options: AuthzClientOptions): AuthzClient {
  const { connection, names, logger } = options;
  const cacheTtlMs = options.cacheTtlMs ?? AUTHZ_CACHE_TTL_MS;
  const timeoutMs = options.timeoutMs ?? AUTHZ_TIMEOUT_MS;
  const pending = new Map<string, Pending>();
  const inflight = new Map<string, Promise<AuthzResponse>>();
  const cache = new Map<string, Cached>();
  /** Bumped by every invalidation: an answer requested before one is not cached (it may be stale). */
  let generation = 0;
  const MAX_CACHE_ENTRIES = 100_000;

  const onReply = (msg: ConsumeMessage | null) => {
    if (!msg) return;
    const id = msg.properties.correlationId as string | undefined;
    const waiter = id ? pending.get(id) : undefined;
    if (!waiter || !id) return;
    pending.delete(id);
    clearTimeout(waiter.timer);
    const parsed = waiter.schema.safeParse(parseJson(msg.content));
    if (parsed.success) waiter.resolve(parsed.data as never);
    else {
      logger.error({ issues: parsed.error.issues }, 'invalid authorization reply');
      waiter.reject(new AppError('UNAVAILABLE', 'Authorization service gave an invalid answer'));
    }
  };

  const channel: ChannelWrapper = connection.createChannel({
    name: 'authz-client',
    confirm: false,
    setup: async (ch: ConfirmChannel) => {
      await ch.consume(REPLY_QUEUE, onReply, { noAck: true });
    },
  });
  channel.on('error', (err) => logger.warn({ err }, 'authz client channel error'));

  const ask = <S extends z.ZodType>(body: object, schema: S): Promise<z.infer<S>> =>
    new Promise<z.infer<S>>((resolve, reject) => {
      if (!connection.isConnected()) return reject(new AppError('UNAVAILABLE', 'Authorization service is unavailable'));
      const correlationId = randomUUID();
      const timer = setTimeout(() => {
        pending.delete(correlationId);
        reject(new AppError('UNAVAILABLE', 'Authorization service did not answer in time'));
      }, timeoutMs);
      pending.set(correlationId, { schema, resolve, reject, timer });
      channel
        .sendToQueue(names.authzQueue, Buffer.from(JSON.stringify(body)), {
          correlationId,
          replyTo: REPLY_QUEUE,
          contentType: 'application/json',
          expiration: String(Math.min(timeoutMs, AUTHZ_REQUEST_TTL_MS)),
          persistent: false,
        })
        .catch((err: Error) => {
          if (!pending.delete(correlationId)) return;
          clearTimeout(timer);
          logger.warn({ err }, 'authorization request not sent');
          reject(new AppError('UNAVAILABLE', 'Authorization service is unavailable'));
        });
    });

  const dropWhere = (pred: (key: string, entry: Cached) => boolean) => {
    generation++;
    inflight.clear();
    for (const [key, entry] of cache) if (pred(key, entry)) cache.delete(key);
  };

  return {
    async check(userId, channelId) {
      const key = `${userId}:${channelId}`;
      const hit = cache.get(key);
      if (hit && hit.expiresAt > Date.now()) return hit.answer;
      const running = inflight.get(key);
      if (running) return running;
      const askedAt = generation;
      const request = ask({ userId, channelId }, AuthzResponse)
        .then((answer) => {
          if (answer.status === 'allowed' && askedAt === generation) {
            if (cache.size >= MAX_CACHE_ENTRIES) dropWhere((_k, e) => e.expiresAt <= Date.now());
            if (cache.size >= MAX_CACHE_ENTRIES) cache.clear();
            cache.set(key, { answer, expiresAt: Date.now() + cacheTtlMs });
          } else cache.delete(key);
          return answer;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, request);
      return request;
    },
    channels: (request) => ask(request, ChannelListResponse),
    forgetMember(userId, serverId) {
      dropWhere((key, e) => key.startsWith(`${userId}:`) && e.answer.channel.serverId === serverId);
    },
    forgetServer(serverId) {
      dropWhere((_k, e) => e.answer.channel.serverId === serverId);
    },
    forgetChannel(channelId) {
      dropWhere((key) => key.endsWith(`:${channelId}`));
    },
    async close() {
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.reject(new AppError('UNAVAILABLE', 'Shutting down'));
        pending.delete(id);
      }
      await channel.close();
    },
  };
}
