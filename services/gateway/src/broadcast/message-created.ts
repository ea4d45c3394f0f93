import { PacketType } from 'socket.io-parser';
import type { Message } from '@chorus/contracts';
import { channelRoom, type GatewayServer } from '../types.js';

/**
 * Emits `message:created` to the channel's room on every gateway, and resolves once this gateway's own
 * sockets have it. That is `io.to(room).emit()` minus one detail it hides: the cluster adapter publishes
 * to Redis first and delivers locally only when Redis answered. The send path marks a message settled
 * (letting later ids of the channel go) only after this resolves, so no client anywhere can get a later
 * message before this one.
 */
export function broadcastCreated(io: GatewayServer, message: Message): Promise<void> {
  const packet = { type: PacketType.EVENT, data: ['message:created', message] };
  const opts = { rooms: new Set([channelRoom(message.channelId)]), except: new Set<string>(), flags: {} };
  // Typed `void` (the in-memory adapter is synchronous); the Redis adapter returns its promise.
  return Promise.resolve(io.of('/').adapter.broadcast(packet, opts));
}
