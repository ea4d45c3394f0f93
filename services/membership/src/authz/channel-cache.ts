import { Types } from 'mongoose';
import type { Models } from '../db/models.js';

/** What authorization needs to know about a channel. A channel never moves; a server's owner never changes. */
export interface ChannelInfo {
  id: string;
  serverId: string;
  name: string;
  ownerId: string;
}

export interface ChannelCache {
  /** The channel, or null when it does not exist (misses are not cached: a new channel is seen at once). */
  get(channelId: string): Promise<ChannelInfo | null>;
  forgetChannel(channelId: string): void;
  forgetServer(serverId: string): void;
  readonly size: number;
}

interface Entry {
  info: ChannelInfo;
  expiresAt: number;
}

/**
 * In-process channel → {server, name, owner} cache for the authorization hot path. Writes in this
 * process forget entries at once; other replicas' deletions arrive as broker events (cache-invalidation).
 * A lookup that raced with a forget is not stored (generation check).
 */
export function createChannelCache(models: Models, options: { ttlMs: number; maxEntries: number }): ChannelCache {
  const entries = new Map<string, Entry>();
  let generation = 0;

  const load = async (channelId: string): Promise<ChannelInfo | null> => {
    const channel = await models.Channel.findById(new Types.ObjectId(channelId), { serverId: 1, name: 1 }).lean();
    if (!channel) return null;
    const server = await models.Server.findById(channel.serverId, { ownerId: 1 }).lean();
    if (!server) return null;
    return { id: channelId, serverId: channel.serverId.toHexString(), name: channel.name, ownerId: server.ownerId.toHexString() };
  };

  return {
    get size() {
      return entries.size;
    },
    async get(channelId) {
      const hit = entries.get(channelId);
      const now = Date.now();
      if (hit && hit.expiresAt > now) return hit.info;
      if (hit) entries.delete(channelId);
      const startedAt = generation;
      const info = await load(channelId);
      if (info && startedAt === generation && options.maxEntries > 0 && options.ttlMs > 0) {
        if (entries.size >= options.maxEntries) {
          // Evict the oldest insertion (Map keeps insertion order).
          const oldest = entries.keys().next();
          if (!oldest.done) entries.delete(oldest.value);
        }
        entries.set(channelId, { info, expiresAt: now + options.ttlMs });
      }
      return info;
    },
    forgetChannel(channelId) {
      generation++;
      entries.delete(channelId);
    },
    forgetServer(serverId) {
      generation++;
      for (const [key, entry] of entries) if (entry.info.serverId === serverId) entries.delete(key);
    },
  };
}
