import { Types } from 'mongoose';
import type { Models } from '../db/models.js';

export type DmRecipients = [string, string];

export interface DmDirectory {
  /** Recipients of a DM already seen by this replica (no I/O). */
  peek(channelId: string): DmRecipients | undefined;
  /** The DM's two recipients, or null when no DM has this id (misses are not cached). */
  get(channelId: string): Promise<DmRecipients | null>;
}

/**
 * DM channel → its two recipients, for the authorization hot path. A DM never changes its recipients and
 * is never deleted, so a hit stays true for good; the map is only bounded (oldest insertion evicted).
 */
export function createDmDirectory(models: Models, maxEntries: number): DmDirectory {
  const entries = new Map<string, DmRecipients>();
  return {
    peek: (channelId) => entries.get(channelId),
    async get(channelId) {
      const hit = entries.get(channelId);
      if (hit) return hit;
      const doc = await models.Dm.collection.findOne({ _id: new Types.ObjectId(channelId) }, { projection: { userIds: 1 } });
      const ids = (doc?.userIds as Types.ObjectId[] | undefined)?.map((id) => id.toHexString());
      if (!ids || ids.length !== 2) return null;
      const recipients: DmRecipients = [ids[0]!, ids[1]!];
      if (maxEntries > 0) {
        if (entries.size >= maxEntries) {
          const oldest = entries.keys().next();
          if (!oldest.done) entries.delete(oldest.value);
        }
        entries.set(channelId, recipients);
      }
      return recipients;
    },
  };
}
