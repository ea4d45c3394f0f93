import type { GatewayServer, GatewaySocket } from '../types.js';
import { channelRoom } from '../types.js';

/**
 * The sockets connected to THIS gateway, by user and by channel room. Membership changes are applied
 * by every gateway to its own sockets, so nothing here ever asks the rest of the fleet.
 */
export interface LocalSockets {
  add(socket: GatewaySocket): void;
  remove(socket: GatewaySocket): void;
  ofUser(userId: string): GatewaySocket[];
  inChannel(channelId: string): GatewaySocket[];
  all(): GatewaySocket[];
}

export function createLocalSockets(io: GatewayServer): LocalSockets {
  const byUser = new Map<string, Set<GatewaySocket>>();
  return {
    add(socket) {
      const id = socket.data.user.id;
      let set = byUser.get(id);
      if (!set) byUser.set(id, (set = new Set()));
      set.add(socket);
    },
    remove(socket) {
      const id = socket.data.user.id;
      const set = byUser.get(id);
      set?.delete(socket);
      if (set && set.size === 0) byUser.delete(id);
    },
    ofUser: (userId) => [...(byUser.get(userId) ?? [])],
    inChannel(channelId) {
      const sids = io.of('/').adapter.rooms.get(channelRoom(channelId));
      if (!sids) return [];
      const out: GatewaySocket[] = [];
      for (const sid of sids) {
        const socket = io.of('/').sockets.get(sid);
        if (socket) out.push(socket);
      }
      return out;
    },
    all: () => [...byUser.values()].flatMap((set) => [...set]),
  };
}
