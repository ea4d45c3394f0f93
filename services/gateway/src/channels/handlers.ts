import { randomUUID } from 'node:crypto';
import { ChannelJoinPayload, ChannelLeavePayload, zodDetails, type ChannelRef } from '@chorus/contracts';
import type { Logger } from '@chorus/runtime';
import { ackError, fail, splitArgs } from '../socket/ack.js';
import type { GatewaySocket } from '../types.js';
import type { Authorizer } from './authorize.js';
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

  socket.on('channel:join', async (...args: unknown[]) => {
    const { payload, ack } = splitArgs(args);
    const parsed = ChannelJoinPayload.safeParse(payload);
    if (!parsed.success) return ack?.(fail('VALIDATION_FAILED', 'Invalid channel:join payload', zodDetails(parsed.error)));
    const { channelId } = parsed.data;
    const ref = randomUUID();
    try {
      if (!socket.data.channels.has(channelId) && socket.data.channels.size >= deps.maxJoinedChannels) {
        return ack?.(fail('FORBIDDEN', `A connection may join at most ${deps.maxJoinedChannels} channels; leave some first`));
      }
      let channel: ChannelRef | undefined;
      for (let attempt = 0; attempt < MAX_JOIN_ATTEMPTS && !channel; attempt++) {
        const epoch = authorizer.epoch;
        const answer = await authorizer.authorize(user.id, channelId);
        if (authorizer.epoch === epoch) channel = answer;
      }
      if (!channel) return ack?.(fail('UNAVAILABLE', 'Membership is changing, try again'));
      if (socket.disconnected) return;
      joinChannel(socket, channel.id, channel.serverId);
      logger.info({ event: 'channel:join', userId: user.id, channelId, ref }, 'joined channel');
      ack?.({ ok: true, channel: { id: channel.id, serverId: channel.serverId, name: channel.name } });
    } catch (err) {
      ack?.(ackError(err, logger, ref));
    }
  });

  socket.on('channel:leave', (...args: unknown[]) => {
    const { payload, ack } = splitArgs(args);
    const parsed = ChannelLeavePayload.safeParse(payload);
    if (!parsed.success) return ack?.(fail('VALIDATION_FAILED', 'Invalid channel:leave payload', zodDetails(parsed.error)));
    leaveChannel(socket, parsed.data.channelId);
    ack?.({ ok: true });
  });
}
