import type { RedisClient } from '@chorus/runtime';
import { VisibleStatus, presenceKeys, type PresenceEntry, type PresenceStatus } from '@chorus/contracts';
import { encodeRoomBroadcast } from '../broadcast/message-created.js';
import { loadLuaScript } from '../redis-script.js';

/** The gateway's side of presence (presence.lua): every call is one atomic script that also announces the change. */
export interface PresenceStore {
  connect(userId: string, serverIds: Iterable<string>): Promise<VisibleStatus>;
  disconnect(userId: string): Promise<VisibleStatus>;
  set(userId: string, status: PresenceStatus): Promise<VisibleStatus>;
  joined(userId: string, serverId: string): Promise<void>;
  left(userId: string, serverId: string): Promise<void>;
  /** Renews this gateway's lease (`leaseMs` from now, Redis time). */
  heartbeat(leaseMs: number): Promise<void>;
  /** Clears every gateway whose lease ran out (any gateway may do it; the script is atomic). Returns users gone offline. */
  sweep(): Promise<number>;
  /** Clears what an earlier process with this gateway id left (call before accepting connections). */
  reset(): Promise<number>;
  snapshot(serverId: string): Promise<PresenceEntry[]>;
}

export interface PresenceStoreOptions {
  redis: RedisClient;
  prefix: string;
  /** The rooms adapter's channel prefix (redis.ts `roomsChannelPrefix`). */
  channelPrefix: string;
  gatewayId: string;
}

/** Markers the script replaces (ids are hex and statuses plain words, so no escaping is ever needed). */
const S = '@S@';
const U = '@U@';
const T = '@T@' as VisibleStatus;
const PARTNER = '@P@';

export function createPresenceStore(options: PresenceStoreOptions): PresenceStore {
  const { redis, gatewayId } = options;
  const script = loadLuaScript(redis, new URL('./presence.lua', import.meta.url));
  // The two events in the adapter's wire format, built by the same typed encoder as every broadcast.
  const serverTemplate = encodeRoomBroadcast(options.channelPrefix, `presence:${S}`, 'presence:updated', {
    serverId: S,
    userId: U,
    status: T,
  });
  const partnerTemplate = encodeRoomBroadcast(options.channelPrefix, `user:${PARTNER}`, 'presence:updated', { userId: U, status: T });
  const common = [presenceKeys(options.prefix).prefix, `${options.channelPrefix}#/#`, serverTemplate.payload, partnerTemplate.payload];
  const run = (step: string, ...args: (string | number)[]) => script.run([], [step, ...common, ...args]);
  const status = async (reply: Promise<unknown>) => VisibleStatus.parse(await reply);

  return {
    connect: (userId, serverIds) => status(run('connect', userId, gatewayId, ...serverIds)),
    disconnect: (userId) => status(run('disconnect', userId, gatewayId)),
    set: (userId, chosen) => status(run('set', userId, chosen)),
    joined: async (userId, serverId) => void (await run('join', userId, serverId)),
    left: async (userId, serverId) => void (await run('leave', userId, serverId)),
    heartbeat: async (leaseMs) => void (await run('heartbeat', gatewayId, leaseMs)),
    sweep: async () => Number(await run('sweep')),
    reset: async () => Number(await run('reset', gatewayId)),
    async snapshot(serverId) {
      const flat = ((await run('snapshot', serverId)) as unknown[]).map(String);
      const out: PresenceEntry[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push({ userId: flat[i]!, status: VisibleStatus.parse(flat[i + 1]) });
      return out;
    },
  };
}
