import type { AnyEnvelope } from '@chorus/contracts';
import type { Logger } from '@chorus/runtime';
import { channelRoom, userRoom, type GatewayServer } from '../types.js';

/**
 * Emits history's edits, deletes and reactions to the channel's room, and read positions to the
 * reader's own room. This runs on ONE gateway per event (the
 * shared broadcast queue has competing consumers) and the emit goes through the Redis adapter, so every
 * client in the room gets it once, whichever gateway it is connected to.
 */
export function broadcastHistoryEvent(io: GatewayServer, envelope: AnyEnvelope, logger: Logger): void {
  switch (envelope.type) {
    case 'message.updated': {
      const message = envelope.payload;
      io.to(channelRoom(message.channelId)).emit('message:updated', message);
      logger.info({ type: envelope.type, eventId: envelope.id, messageId: message.id, channelId: message.channelId }, 'broadcast');
      return;
    }
    case 'message.deleted': {
      const { id, channelId } = envelope.payload;
      io.to(channelRoom(channelId)).emit('message:deleted', { id, channelId });
      logger.info({ type: envelope.type, eventId: envelope.id, messageId: id, channelId }, 'broadcast');
      return;
    }
    case 'reaction.added':
    case 'reaction.removed': {
      const { channelId, messageId, emoji, userId } = envelope.payload;
      const event = envelope.type === 'reaction.added' ? 'message:reaction_added' : 'message:reaction_removed';
      io.to(channelRoom(channelId)).emit(event, { channelId, messageId, emoji, userId });
      logger.debug({ type: envelope.type, eventId: envelope.id, messageId, channelId }, 'broadcast');
      return;
    }
    case 'read.updated': {
      const { userId, channelId, messageId } = envelope.payload;
      io.to(userRoom(userId)).emit('read:updated', { channelId, messageId });
      logger.debug({ type: envelope.type, eventId: envelope.id, channelId }, 'relayed to the user room');
      return;
    }
    default:
      logger.warn({ type: envelope.type, eventId: envelope.id }, 'broadcast queue got an event it does not handle; ignored');
  }
}
