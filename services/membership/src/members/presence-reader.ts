import type { RedisClient } from '@chorus/runtime';
import { presenceKeys, visibleStatus, type VisibleStatus } from '@chorus/contracts';

export interface PresenceReader {
  /** Each user's status as others see it (SPEC 11), in one pipelined round trip. */
  statuses(userIds: readonly string[]): Promise<VisibleStatus[]>;
}

/** Reads the gateways' presence state (contracts: presence-keys.ts); membership never writes it. */
export function createPresenceReader(redis: RedisClient, prefix: string): PresenceReader {
  const keys = presenceKeys(prefix);
  return {
    async statuses(userIds) {
      if (userIds.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of userIds) pipeline.exists(keys.conns(id)).get(keys.status(id));
      const replies = (await pipeline.exec()) ?? [];
      return userIds.map((_id, i) => {
        const [connErr, connected] = replies[2 * i] ?? [];
        const [statusErr, chosen] = replies[2 * i + 1] ?? [];
        if (connErr || statusErr) throw connErr ?? statusErr;
        return visibleStatus(connected === 1, typeof chosen === 'string' ? chosen : null);
      });
    },
  };
}
