import { channelRoom, type GatewaySocket } from '../types.js';

/** Puts a socket in a channel's room and remembers which server the channel belongs to. */
export function joinChannel(socket: GatewaySocket, channelId: string, serverId: string | null): void {
  void socket.join(channelRoom(channelId));
  socket.data.channels.set(channelId, serverId);
}

export function leaveChannel(socket: GatewaySocket, channelId: string): boolean {
  const had = socket.data.channels.delete(channelId);
  void socket.leave(channelRoom(channelId));
  return had;
}

/** Leaves every room of a server's channels; returns how many it left. */
export function leaveServer(socket: GatewaySocket, serverId: string, alsoChannels: readonly string[] = []): number {
  let left = 0;
  for (const [channelId, owner] of [...socket.data.channels]) {
    if (owner === serverId && leaveChannel(socket, channelId)) left++;
  }
  for (const channelId of alsoChannels) if (leaveChannel(socket, channelId)) left++;
  return left;
}
