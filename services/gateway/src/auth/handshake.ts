import type { ExtendedError } from 'socket.io';
import type { Logger, TokenVerifier } from '@chorus/runtime';
import type { GatewaySocket } from '../types.js';

const MAX_TOKEN_CHARS = 4096;

/** The error a refused handshake gets: the client sees `connect_error` with `err.message === 'UNAUTHENTICATED'`. */
export function unauthenticated(message = 'Access token is missing, invalid or expired'): ExtendedError {
  return Object.assign(new Error('UNAUTHENTICATED'), { data: { code: 'UNAUTHENTICATED', message } });
}

/**
 * Handshake middleware: `auth.token` must be an access token signed by membership (ES256, issuer and
 * audience pinned, public key only). On success the socket carries its user; nothing else is trusted.
 */
export function authenticate(verify: TokenVerifier, logger: Logger) {
  return (socket: GatewaySocket, next: (err?: ExtendedError) => void): void => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>).token : undefined;
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) return next(unauthenticated());
    try {
      socket.data.user = verify(token);
    } catch {
      logger.info({ address: socket.handshake.address }, 'handshake refused: bad token');
      return next(unauthenticated());
    }
    socket.data.channels = new Map();
    next();
  };
}
