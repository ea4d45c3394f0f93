import type { AmqpConnectionManager } from 'amqp-connection-manager';
import {
  AUTHZ_CACHE_TTL_MS,
  AUTHZ_TIMEOUT_MS,
  AuthzResponse,
  ChannelListResponse,
  hasPermission,
  type ChannelListRequest,
  type Permission,
  type TopologyNames,
} from '@chorus/contracts';
import type { Logger } from './logger.js';
import { AppError } from './http/app-error.js';
import { createAuthzRpc } from './authz-rpc.js';

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
  /** The user's profile and servers (not cached: asked once per connection). Null when there is no such user. */
  user(userId: string): Promise<UserAnswer | null>;
  /** The channels a user may read: of one server, or their DMs (never cached: it is one request per page view). */
  channels(request: ChannelListRequest): Promise<ChannelListResponse>;
  /** Drop cached answers: call on member.left / server.deleted / channel.deleted. */
  forgetMember(userId: string, serverId: string): void;
  forgetServer(serverId: string): void;
  forgetChannel(channelId: string): void;
  /** Drop every cached answer (after a reconnect: events may have been missed). */
  forgetAll(): void;
  /**
   * On member.joined: questions of this user still in flight were asked before the join, so a question
   * asked from now on is sent afresh instead of sharing their (likely `not_member`) answer.
   */
  forgetPending(userId: string): void;
  close(): Promise<void>;
}

/** Membership said yes: the channel (with its server) and the caller's role there. */
export type ChannelAccess = Extract<AuthzResponse, { status: 'allowed' }>;
export type UserAnswer = Extract<AuthzResponse, { status: 'user' }>;

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
    case 'user':
      throw new AppError('INTERNAL', 'Authorization answered a different question');
    case 'not_found':
      throw new AppError('NOT_FOUND', 'Channel not found');
    case 'invalid':
      throw new AppError('VALIDATION_FAILED', 'Request is invalid', [{ path: '', message: answer.message }]);
  }
}

/**
 * SPEC 15: the access when the caller's effective permissions in the channel include `permission`
 * (ADMINISTRATOR includes all; the owner's answer lists every one), else AppError FORBIDDEN saying which.
 */
export function requirePermission(access: ChannelAccess, permission: Permission, doing: string): ChannelAccess {
  if (hasPermission(access.permissions, permission)) return access;
  throw new AppError('FORBIDDEN', `You need the ${permission} permission in this channel to ${doing}`);
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
  const inflight = new Map<string, Promise<AuthzResponse>>();
  const cache = new Map<string, Cached>();
  /** Bumped by every invalidation: an answer requested before one is not cached (it may be stale). */
  let generation = 0;
  const MAX_CACHE_ENTRIES = 100_000;

  const rpc = createAuthzRpc({ connection, names, logger, timeoutMs });
  const ask = rpc.ask;

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
      const request = ask(userId, channelId)
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
    async user(userId) {
      const answer = await rpc.request({ userId, scope: 'user' }, AuthzResponse);
      if (answer.status === 'user') return answer;
      if (answer.status === 'not_found') return null;
      throw new AppError('UNAVAILABLE', `Authorization service answered ${answer.status} to a user request`);
    },
    channels: (request) => rpc.request(request, ChannelListResponse),
    forgetMember(userId, serverId) {
      dropWhere((key, e) => key.startsWith(`${userId}:`) && e.answer.channel.serverId === serverId);
    },
    forgetServer(serverId) {
      dropWhere((_k, e) => e.answer.channel.serverId === serverId);
    },
    forgetChannel(channelId) {
      dropWhere((key) => key.endsWith(`:${channelId}`));
    },
    forgetAll() {
      dropWhere(() => true);
    },
    forgetPending(userId) {
      for (const key of inflight.keys()) if (key.startsWith(`${userId}:`)) inflight.delete(key);
    },
    close: () => rpc.close(),
  };
}
