import type { AuthzClient, Logger } from '@chorus/runtime';
import type { GatewaySocket } from '../types.js';
import type { PresenceStore } from './presence-store.js';

/**
 * Handshake step after authentication: who the user is for this connection — the profile their messages
 * carry and their servers (one authorization RPC per connection). When membership cannot answer, the
 * connection still goes ahead with the token's username as display name and no servers (presence in
 * servers then starts with the user's next connection); chat itself does not depend on it.
 */
export function loadUser(authz: AuthzClient, logger: Logger) {
  return async (socket: GatewaySocket, next: (err?: Error) => void) => {
    const user = socket.data.user;
    try {
      const answer = await authz.user(user.id);
      if (!answer) return next(new Error('UNAUTHENTICATED'));
      socket.data.profile = answer.profile;
      socket.data.servers = new Set(answer.serverIds);
    } catch (err) {
      logger.warn({ err, userId: user.id }, 'membership did not say who this user is; connecting with the token’s name');
      socket.data.profile = { displayName: user.username, avatarUrl: null };
      socket.data.servers = new Set();
    }
    next();
  };
}

/** Presence of a socket's user, at connect and disconnect (failures are logged: chat goes on without presence). */
export function trackPresence(socket: GatewaySocket, store: PresenceStore, logger: Logger): void {
  const userId = socket.data.user.id;
  const warn = (err: unknown) => logger.warn({ err, userId }, 'presence update failed');
  store.connect(userId, socket.data.servers).catch(warn);
  socket.on('disconnect', () => {
    store.disconnect(userId).catch(warn);
  });
}
