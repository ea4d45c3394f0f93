import type { Logger, RedisClient } from '@chorus/runtime';
import type { GatewayConfig } from '../config.js';
import { roomsChannelPrefix } from '../redis.js';
import { createPresenceStore, type PresenceStore } from './presence-store.js';

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

/**
 * The gateway's presence (service.ts): the store, cleared at start (a previous process with this gateway id
 * may have died holding sockets), then the first lease; `ready` resolves after both have been written. `stop` ends the lease and
 * clears whatever a disconnect did not (Redis was down): this gateway's users are offline at once.
 */
export function startPresence(
  redis: RedisClient,
  config: Pick<GatewayConfig, 'REDIS_PREFIX' | 'GATEWAY_ID' | 'PRESENCE_HEARTBEAT_MS' | 'PRESENCE_LEASE_MS'>,
  logger: Logger,
): { store: PresenceStore; ready: Promise<void>; stop(): Promise<void> } {
  const store = createPresenceStore({
    redis,
    prefix: config.REDIS_PREFIX,
    channelPrefix: roomsChannelPrefix(config.REDIS_PREFIX),
    gatewayId: config.GATEWAY_ID,
  });
  let lease: { stop(): void } | undefined;
  let stopped = false;
  // Retried until Redis answers: `ready` (and so every socket's connection) waits for both, because a
  // gateway that held sockets before its first lease was written would never be swept if it then died.
  const untilDone = async (what: string, step: () => Promise<unknown>) => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        return void (await step());
      } catch (err) {
        if (attempt === 1 || attempt % 20 === 0) logger.warn({ err, attempt }, `presence ${what} failed; retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(config.PRESENCE_HEARTBEAT_MS, 250)));
      }
    }
  };
  const ready = (async () => {
    await untilDone('reset', () => store.reset());
    await untilDone('lease', () => store.heartbeat(config.PRESENCE_LEASE_MS));
    if (!stopped)
      lease = startPresenceLease({ store, intervalMs: config.PRESENCE_HEARTBEAT_MS, leaseMs: config.PRESENCE_LEASE_MS, logger });
  })();
  return {
    store,
    ready,
    async stop() {
      stopped = true;
      lease?.stop();
      await store.reset();
    },
  };
}
