import { VisibleStatus, presenceKeys, type PresenceEntry, type PresenceStatus } from '@chorus/contracts';
import { isRedisCluster, type RedisClient } from '@chorus/runtime';
import { encodeRoomBroadcast, type RoomBroadcast } from '../broadcast/message-created.js';
import { slotOf } from '../redis-keys.js';
import { loadLuaScript } from '../redis-script.js';
import { presenceRoom, userRoom } from '../types.js';

/**
 * The gateway's side of presence: each transition is one atomic script on the user's slot
 * (presence-user.lua), then the announce script (presence-announce.lua) for its servers and DM partners —
 * one call on one Redis, one per target slot on a Cluster — which publishes the change to each target
 * unless that target already saw a newer one.
 */
export interface PresenceStore {
  connect(userId: string, serverIds: Iterable<string>): Promise<VisibleStatus>;
  disconnect(userId: string): Promise<VisibleStatus>;
  set(userId: string, status: PresenceStatus): Promise<VisibleStatus>;
  joined(userId: string, serverId: string): Promise<void>;
  left(userId: string, serverId: string): Promise<void>;
  /** Renews this gateway's lease (`leaseMs` from now, Redis time). */
  heartbeat(leaseMs: number): Promise<void>;
  /** Clears every gateway whose lease ran out (any gateway may do it; each is claimed first). Returns users gone offline. */
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
  /** How long a sweeper holds its claim on a dead gateway (another sweeper takes over after it). */
  claimMs?: number;
}

/** presence-user.lua's reply. */
interface Transition {
  status: VisibleStatus;
  version: number;
  mode: 'announce' | 'sync' | 'none';
  gatewayEmpty: boolean;
  servers: string[];
  partners: string[];
}

function parseTransition(reply: unknown): Transition {
  const r = (reply as unknown[]).map(String);
  const n = Number(r[4]);
  return {
    status: VisibleStatus.parse(r[0]),
    version: Number(r[1]),
    mode: r[2] as Transition['mode'],
    gatewayEmpty: r[3] === '1',
    servers: r.slice(5, 5 + n),
    partners: r.slice(5 + n),
  };
}

// The lease ZSET, scored by Redis time on the key's own node: renew, list the expired, claim one (pushing
// it `claimMs` ahead, so two sweepers never clear one gateway at once; a sweeper that dies is taken over).
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;
const RENEW = `${NOW}redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 1`;
const EXPIRED = `${NOW}return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 10)`;
const CLAIM = `${NOW}local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s or tonumber(s) > now then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 1`;

export function createPresenceStore(options: PresenceStoreOptions): PresenceStore {
  const { redis, gatewayId, channelPrefix } = options;
  const keys = presenceKeys(options.prefix);
  const userScript = loadLuaScript(redis, new URL('./presence-user.lua', import.meta.url));
  const announceScript = loadLuaScript(redis, new URL('./presence-announce.lua', import.meta.url));
  const claimMs = options.claimMs ?? 30_000;
  const cluster = isRedisCluster(redis);

  /** Announce calls: one per slot on a Cluster (a script stays in one slot), one in all on one Redis. */
  const announce = async (userId: string, t: Transition): Promise<void> => {
    if (t.mode === 'none') return;
    const groups = new Map<number, { keys: string[]; targets: string[] }>();
    const add = (key: string, event: RoomBroadcast, tagId: string) => {
      const slot = cluster ? slotOf(tagId) : 0;
      const group = groups.get(slot) ?? { keys: [], targets: [] };
      group.keys.push(key);
      group.targets.push(event.channel, event.payload);
      groups.set(slot, group);
    };
    const { status } = t;
    for (const serverId of t.servers) {
      const event = encodeRoomBroadcast(channelPrefix, presenceRoom(serverId), 'presence:updated', { serverId, userId, status });
      add(keys.online(serverId), event, serverId);
    }
    for (const partnerId of t.partners) {
      add(keys.seen(partnerId), encodeRoomBroadcast(channelPrefix, userRoom(partnerId), 'presence:updated', { userId, status }), partnerId);
    }
    const publish = t.mode === 'announce' ? '1' : '0';
    await Promise.all([...groups.values()].map((g) => announceScript.run(g.keys, [userId, t.version, t.status, publish, ...g.targets])));
  };

  /** One transition of one user: decided on the user's slot, then announced on each target's. */
  const transition = async (userId: string, ...args: (string | number)[]): Promise<Transition> => {
    const t = parseTransition(await userScript.run(keys.user(userId), args));
    await announce(userId, t);
    return t;
  };

  /** Every user a gateway held goes (its sockets there are gone); then its set and lease. */
  const clearGateway = async (gateway: string): Promise<number> => {
    let gone = 0;
    const users = await redis.smembers(keys.gateway(gateway));
    await Promise.all(
      users.map(async (userId) => {
        const t = await transition(userId, 'clear', gateway);
        if (t.mode === 'announce' && t.status === 'offline') gone++;
      }),
    );
    await redis.del(keys.gateway(gateway));
    await redis.zrem(keys.gateways, gateway);
    return gone;
  };

  return {
    async connect(userId, serverIds) {
      // The gateway's set first: if this process dies right after, the sweep still finds the user.
      await redis.sadd(keys.gateway(gatewayId), userId);
      return (await transition(userId, 'connect', gatewayId, ...serverIds)).status;
    },
    async disconnect(userId) {
      const t = await transition(userId, 'disconnect', gatewayId);
      if (t.gatewayEmpty) await redis.srem(keys.gateway(gatewayId), userId);
      return t.status;
    },
    set: async (userId, chosen) => (await transition(userId, 'set', chosen)).status,
    joined: async (userId, serverId) => void (await transition(userId, 'join', serverId)),
    left: async (userId, serverId) => void (await transition(userId, 'leave', serverId)),
    heartbeat: async (leaseMs) => void (await redis.eval(RENEW, 1, keys.gateways, gatewayId, leaseMs)),
    async sweep() {
      const expired = (await redis.eval(EXPIRED, 1, keys.gateways)) as string[];
      let gone = 0;
      for (const gateway of expired) {
        if (Number(await redis.eval(CLAIM, 1, keys.gateways, gateway, claimMs)) === 1) gone += await clearGateway(gateway);
      }
      return gone;
    },
    reset: () => clearGateway(gatewayId),
    async snapshot(serverId) {
      const entries = await redis.hgetall(keys.online(serverId));
      const out: PresenceEntry[] = [];
      for (const [userId, value] of Object.entries(entries)) {
        const status = VisibleStatus.safeParse(value.slice(value.indexOf(':') + 1));
        if (status.success && status.data !== 'offline') out.push({ userId, status: status.data });
      }
      return out;
    },
  };
}
