import { ChannelJoinPayload, ChannelLeavePayload, type ChannelRef } from '@chorus/contracts';
import type { Logger } from '@chorus/runtime';
import { fail } from '../socket/ack.js';
import { on } from '../socket/on.js';
import type { GatewaySocket } from '../types.js';
import { NEEDS, type Authorizer } from './authorize.js';
import { joinChannel, leaveChannel } from './rooms.js';

export interface ChannelHandlerDeps {
  authorizer: Authorizer;
  logger: Logger;
  maxJoinedChannels: number;
}

/** How many times a join re-asks membership when a membership change landed while it was waiting. */
const MAX_JOIN_ATTEMPTS = 3;

/** `channel:join` / `channel:leave`. A join without an ack still joins; an invalid payload without one is dropped. */
export function registerChannelHandlers(socket: GatewaySocket, deps: ChannelHandlerDeps): void {
  const { authorizer, logger } = deps;
  const user = socket.data.user;

  on(socket, 'channel:join', ChannelJoinPayload, logger, async ({ channelId }, ack, ref) => {
    if (!socket.data.channels.has(channelId) && socket.data.channels.size >= deps.maxJoinedChannels) {
      return ack?.(fail('FORBIDDEN', `A connection may join at most ${deps.maxJoinedChannels} channels; leave some first`));
    }
    let channel: ChannelRef | undefined;
    for (let attempt = 0; attempt < MAX_JOIN_ATTEMPTS && !channel; attempt++) {
      const epoch = authorizer.epoch;
      const answer = await authorizer.authorize(user.id, channelId, NEEDS.read);
      if (authorizer.epoch === epoch) channel = answer;
    }
    if (!channel) return ack?.(fail('UNAVAILABLE', 'Membership is changing, try again'));
    if (socket.disconnected) return;
    joinChannel(socket, channel.id, channel.serverId);
    logger.info({ event: 'channel:join', userId: user.id, channelId, ref }, 'joined channel');
    ack?.({ ok: true, channel: { id: channel.id, serverId: channel.serverId, name: channel.name } });
  });

  on(socket, 'channel:leave', ChannelLeavePayload, logger, ({ channelId }, ack) => {
    leaveChannel(socket, channelId);
    ack?.({ ok: true });
  });
}
