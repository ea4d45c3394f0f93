import type { RedisClient } from '@chorus/runtime';
import { presenceKeys, visibleStatus, type VisibleStatus } from '@chorus/contracts';

export interface PresenceReader {
  /** Each user's status as others see it (SPEC 11). */
  statuses(userIds: readonly string[]): Promise<VisibleStatus[]>;
}

/** Reads the gateways' presence state (contracts: presence-keys.ts); membership never writes it. */
export function createPresenceReader(redis: RedisClient, prefix: string): PresenceReader {
  const keys = presenceKeys(prefix);
  return {
    async statuses(userIds) {
      // Each user's two keys are in that user's slot: one small pipeline per user (a Cluster pipeline
      // must stay in one slot); ioredis writes them together, so this is still about one round trip.
      return Promise.all(
        userIds.map(async (id) => {
          const replies = (await redis.pipeline().exists(keys.conns(id)).get(keys.status(id)).exec()) ?? [];
          const [connErr, connected] = replies[0] ?? [];
          const [statusErr, chosen] = replies[1] ?? [];
          if (connErr || statusErr) throw connErr ?? statusErr;
          return visibleStatus(connected === 1, typeof chosen === 'string' ? chosen : null);
        }),
      );
    },
  };
}
