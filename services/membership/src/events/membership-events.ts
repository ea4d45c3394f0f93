import { createEnvelope } from '@chorus/contracts';
import type { EventOutbox } from './outbox.js';

/** The membership changes this service announces (contracts: broker/events.ts), all v1. */
export interface MembershipEvents {
  memberJoined(serverId: string, userId: string, correlationId?: string): Promise<void>;
  memberLeft(serverId: string, userId: string, correlationId?: string): Promise<void>;
  serverDeleted(serverId: string, channelIds: string[], memberIds: string[], correlationId?: string): Promise<void>;
  channelDeleted(serverId: string, channelId: string, correlationId?: string): Promise<void>;
}

export function createMembershipEvents(outbox: EventOutbox): MembershipEvents {
  return {
    memberJoined: (serverId, userId, correlationId) =>
      outbox.emit(createEnvelope('member.joined', 1, { serverId, userId }, 'membership', correlationId)),
    memberLeft: (serverId, userId, correlationId) =>
      outbox.emit(createEnvelope('member.left', 1, { serverId, userId }, 'membership', correlationId)),
    serverDeleted: (serverId, channelIds, memberIds, correlationId) =>
      outbox.emit(createEnvelope('server.deleted', 1, { serverId, channelIds, memberIds }, 'membership', correlationId)),
    channelDeleted: (serverId, channelId, correlationId) =>
      outbox.emit(createEnvelope('channel.deleted', 1, { serverId, channelId }, 'membership', correlationId)),
  };
}
