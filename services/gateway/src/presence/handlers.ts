import { PresenceSetPayload, PresenceSubscribePayload, PresenceUnsubscribePayload } from '@chorus/contracts';
import type { Logger } from '@chorus/runtime';
import { fail } from '../socket/ack.js';
import { on } from '../socket/on.js';
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

  on(socket, 'presence:set', PresenceSetPayload, logger, async ({ status }, ack) => {
    await store.set(user.id, status);
    ack?.({ ok: true });
  });

  on(socket, 'presence:subscribe', PresenceSubscribePayload, logger, async ({ serverId }, ack) => {
    if (!socket.data.servers.has(serverId)) return ack?.(fail('NOT_MEMBER', 'Only members can watch a server’s presence'));
    await socket.join(presenceRoom(serverId));
    ack?.({ ok: true, presences: await store.snapshot(serverId) });
  });

  on(socket, 'presence:unsubscribe', PresenceUnsubscribePayload, logger, async ({ serverId }, ack) => {
    await socket.leave(presenceRoom(serverId));
    ack?.({ ok: true });
  });
}
