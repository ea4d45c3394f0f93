import { TypingStartPayload } from '@chorus/contracts';
import type { Logger, RedisClient } from '@chorus/runtime';
import { NEEDS, type Authorize } from '../channels/authorize.js';
import { typingKey } from '../redis-keys.js';
import { on } from '../socket/on.js';
import { channelRoom, type GatewaySocket } from '../types.js';

export interface TypingDeps {
  redis: RedisClient;
  prefix: string;
  /** At most one relay per (user, channel) per this many ms, fleet-wide. */
  throttleMs: number;
  /** Typing is about to send: it needs SEND_MESSAGES there (SPEC 15; the join's cached answer usually says). */
  authorize: Authorize;
  logger: Logger;
}

/**
 * `typing:start`: relayed to the channel's room on every gateway except the sender's own socket, for
 * channels this socket joined; never persisted. Throttled per user and channel across the fleet with one
 * `SET NX PX` (a user typing on two devices produces one event per window). Someone who may not send
 * there (no SEND_MESSAGES: a read-only channel) is not relayed. Anything invalid or refused is dropped.
 */
export function registerTypingHandler(socket: GatewaySocket, deps: TypingDeps): void {
  const user = socket.data.user;
  on(socket, 'typing:start', TypingStartPayload, deps.logger, async ({ channelId }) => {
    if (!socket.data.channels.has(channelId)) return;
    try {
      await deps.authorize(user.id, channelId, NEEDS.send);
      const first = await deps.redis.set(typingKey(deps.prefix, user.id, channelId), '1', 'PX', deps.throttleMs, 'NX');
      if (first !== 'OK' || !socket.data.channels.has(channelId)) return;
      socket.to(channelRoom(channelId)).emit('typing:start', { channelId, user: { id: user.id, username: user.username } });
    } catch (err) {
      deps.logger.debug({ err }, 'typing not relayed');
    }
  });
}
