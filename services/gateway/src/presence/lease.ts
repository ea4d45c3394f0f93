import type { Logger } from '@chorus/runtime';
import type { PresenceStore } from './presence-store.js';

export interface PresenceLeaseOptions {
  store: PresenceStore;
  /** How often this gateway renews its lease and sweeps dead gateways. */
  intervalMs: number;
  /** How long the lease holds without a renewal: a gateway that dies silently is swept after at most lease + interval. */
  leaseMs: number;
  logger: Logger;
}

/**
 * Keeps this gateway's presence lease alive and sweeps the fleet: every gateway, on every tick, renews its
 * own lease and clears any gateway whose lease ran out (the script is atomic, so two sweepers never clear
 * twice). No gateway is the only holder of a user's state — it is all in Redis — and a SIGKILLed one
 * is cleared by the others within `leaseMs + intervalMs`.
 */
export function startPresenceLease(options: PresenceLeaseOptions): { stop(): void } {
  const { store, logger } = options;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await store.heartbeat(options.leaseMs);
      const gone = await store.sweep();
      if (gone > 0) logger.info({ gone }, 'presence: swept users of a gateway whose lease ran out');
    } catch (err) {
      logger.warn({ err }, 'presence heartbeat failed; retrying on the next tick');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
