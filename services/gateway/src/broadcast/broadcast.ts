import type { AnyEnvelope } from '@chorus/contracts';
import type { Logger } from '@chorus/runtime';
import { channelRoom, type GatewayServer } from '../types.js';

/**
 * Emits history's edits and deletes to the channel's room. This runs on ONE gateway per event (the
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
    default:
      logger.warn({ type: envelope.type, eventId: envelope.id }, 'broadcast queue got an event it does not handle; ignored');
  }
}
