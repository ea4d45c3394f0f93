import type { Logger } from '@chorus/runtime';
import { fail } from './ack.js';
import type { GatewaySocket } from '../types.js';

export const CLIENT_EVENTS: ReadonlySet<string> = new Set([
  'channel:join',
  'channel:leave',
  'message:send',
  'typing:start',
  'presence:set',
  'presence:subscribe',
  'presence:unsubscribe',
]);

export interface GuardOptions {
  /** Sustained events per second a socket may send. */
  ratePerSecond: number;
  /** Events a socket may send at once before the rate applies. */
  burst: number;
  logger: Logger;
  now?: () => number;
}

/**
 * The first thing every incoming event meets: unknown events are answered VALIDATION_FAILED (when they
 * carry an ack) and go no further; a socket flooding events beyond its token bucket gets RATE_LIMITED acks
 * and its excess events are dropped. Keeps one hostile connection from monopolising the process; the
 * fleet-wide send limit (Redis) is separate.
 */
export function installGuard(socket: GatewaySocket, options: GuardOptions): void {
  const now = options.now ?? Date.now;
  let tokens = options.burst;
  let last = now();
  let dropped = 0;
  socket.use((packet, next) => {
    const [event] = packet;
    const last_ = packet.length > 1 ? packet[packet.length - 1] : undefined;
    const ack = typeof last_ === 'function' ? (last_ as (res: unknown) => void) : undefined;
    const answer = (res: unknown) => {
      try {
        ack?.(res);
      } catch {
        // nothing to answer on a closed socket
      }
    };
    if (typeof event !== 'string' || !CLIENT_EVENTS.has(event)) {
      return answer(fail('VALIDATION_FAILED', 'Unknown event'));
    }
    const t = now();
    tokens = Math.min(options.burst, tokens + ((t - last) / 1000) * options.ratePerSecond);
    last = t;
    if (tokens < 1) {
      if (dropped++ % 100 === 0)
        options.logger.warn({ userId: socket.data.user.id, event, dropped }, 'socket is flooding events; dropping');
      const retryAfterMs = Math.ceil(((1 - tokens) / options.ratePerSecond) * 1000);
      return answer(fail('RATE_LIMITED', 'Too many events on this connection, slow down', { retryAfterMs }));
    }
    tokens -= 1;
    next();
  });
}
