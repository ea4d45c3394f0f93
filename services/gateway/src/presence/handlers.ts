import { randomUUID } from 'node:crypto';
import { PresenceSetPayload, PresenceSubscribePayload, zodDetails } from '@chorus/contracts';
import type { Logger } from '@chorus/runtime';
import { ackError, fail, splitArgs } from '../socket/ack.js';
import { presenceRoom, type GatewaySocket } from '../types.js';
import type { PresenceStore } from './presence-store.js';

export interface PresenceHandlerDeps {
  store: PresenceStore;
  logger: Logger;
}

/**
 * `presence:set`, `presence:subscribe`, `presence:unsubscribe` (SPEC 11). Subscribing is lazy, as
 * Discord's guild subscriptions: a socket gets a server's `presence:updated` only after it asked, by
 * sitting in that server's presence room (one shard channel per server: only gateways with a
 * subscriber receive its changes). It joins the room before taking the snapshot, so no change falls
 * between the two (a change seen twice is harmless: each event carries the full status).
 */
export function registerPresenceHandlers(socket: GatewaySocket, deps: PresenceHandlerDeps): void {
  const { store, logger } = deps;
  const user = socket.data.user;

  socket.on('presence:set', async (...args: unknown[]) => {
    const { payload, ack } = splitArgs(args);
    const parsed = PresenceSetPayload.safeParse(payload);
    if (!parsed.success) return ack?.(fail('VALIDATION_FAILED', 'Invalid presence:set payload', zodDetails(parsed.error)));
    try {
      await store.set(user.id, parsed.data.status);
      ack?.({ ok: true });
    } catch (err) {
      ack?.(ackError(err, logger, randomUUID()));
    }
  });

  socket.on('presence:subscribe', async (...args: unknown[]) => {
    const { payload, ack } = splitArgs(args);
    const parsed = PresenceSubscribePayload.safeParse(payload);
    if (!parsed.success) return ack?.(fail('VALIDATION_FAILED', 'Invalid presence:subscribe payload', zodDetails(parsed.error)));
    const { serverId } = parsed.data;
    if (!socket.data.servers.has(serverId)) return ack?.(fail('NOT_MEMBER', 'Only members can watch a server’s presence'));
    try {
      await socket.join(presenceRoom(serverId));
      ack?.({ ok: true, presences: await store.snapshot(serverId) });
    } catch (err) {
      ack?.(ackError(err, logger, randomUUID()));
    }
  });

  socket.on('presence:unsubscribe', async (...args: unknown[]) => {
    const { payload, ack } = splitArgs(args);
    const parsed = PresenceSubscribePayload.safeParse(payload);
    if (!parsed.success) return ack?.(fail('VALIDATION_FAILED', 'Invalid presence:unsubscribe payload', zodDetails(parsed.error)));
    await socket.leave(presenceRoom(parsed.data.serverId));
    ack?.({ ok: true });
  });
}
