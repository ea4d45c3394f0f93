import { MessageType, type ClusterMessage } from 'socket.io-adapter';
import { PacketType } from 'socket.io-parser';
import type { Message, ServerToClientEvents } from '@chorus/contracts';
import { channelRoom, userRoom } from '../types.js';

/** One room broadcast in the sharded Redis adapter's wire format: SPUBLISH `payload` on `channel`. */
export interface RoomBroadcast {
  channel: string;
  payload: string;
}

/**
 * The cluster-adapter sender id of the send path's broadcasts. No gateway's adapter has it (theirs are
 * random), so every gateway — the sender's own included — delivers them to its local sockets.
 */
export const SEND_PATH_UID = 'chorus-send-path';

/**
 * Encodes `io.to(room).emit(event, ...args)` as the message a ShardedRedisAdapter (dynamic subscription
 * mode) publishes for it, so that something other than the adapter — here Redis itself, inside the send
 * script — can publish it: `{uid, nsp, type: BROADCAST, data: {packet: EVENT [event, ...args], opts}}`,
 * JSON (the adapter decodes anything starting with `{` as JSON), on `<channelPrefix>#/#<room>#`
 * (sharded-adapter.js `dynamicChannel`). Typed from `ServerToClientEvents` like `io.emit`, and serialised
 * once per message however many gateways and sockets receive it.
 */
export function encodeRoomBroadcast<E extends keyof ServerToClientEvents>(
  channelPrefix: string,
  room: string,
  event: E,
  ...args: Parameters<ServerToClientEvents[E]>
): RoomBroadcast {
  return encodeBroadcast(channelPrefix, { room, except: [] }, event, ...args);
}

/** As `encodeRoomBroadcast`, to a room minus the sockets that are also in any of `except` rooms. */
export function encodeBroadcast<E extends keyof ServerToClientEvents>(
  channelPrefix: string,
  target: { room: string; except: string[] },
  event: E,
  ...args: Parameters<ServerToClientEvents[E]>
): RoomBroadcast {
  const message: ClusterMessage = {
    uid: SEND_PATH_UID,
    nsp: '/',
    type: MessageType.BROADCAST,
    data: {
      packet: { type: PacketType.EVENT, nsp: '/', data: [event, ...args] },
      opts: { rooms: [target.room], except: target.except, flags: {} },
    },
  };
  return { channel: roomShardChannel(channelPrefix, target.room), payload: JSON.stringify(message) };
}

/** The shard channel the sharded adapter subscribes a room to (`dynamic` mode, default namespace). */
export const roomShardChannel = (channelPrefix: string, room: string): string => `${channelPrefix}#/#${room}#`;

/** `message:created` to the channel's room on every gateway. */
export const encodeMessageCreated = (channelPrefix: string, message: Message): RoomBroadcast =>
  encodeRoomBroadcast(channelPrefix, channelRoom(message.channelId), 'message:created', message);

/**
 * `message:created` of a DM (SPEC 10): to the DM channel's room, and to each recipient's user room except
 * the sockets already in the channel's room — so a socket that never joined the DM gets it, and one that
 * did gets it once. Each part goes to its own room's shard channel (only the gateways holding those
 * sockets receive it, not the whole fleet). Returned as the send script's bundle (send-channel.lua): NUL,
 * then NUL-separated <shard channel>, <payload> pairs, published together, in the channel's id order.
 */
export function encodeDmMessageCreated(channelPrefix: string, message: Message, recipientIds: readonly string[]): string {
  const room = channelRoom(message.channelId);
  const parts = [
    encodeBroadcast(channelPrefix, { room, except: [] }, 'message:created', message),
    ...recipientIds.map((id) => encodeBroadcast(channelPrefix, { room: userRoom(id), except: [room] }, 'message:created', message)),
  ];
  return `\0${parts.flatMap((p) => [p.channel, p.payload]).join('\0')}`;
}
