import { createEnvelope } from '@chorus/contracts';
import type { EventOutbox } from './outbox.js';

/** What the domain services need from the outbox: make a change and announce it (EventOutbox.record). */
export type MembershipEvents = Pick<EventOutbox, 'record'>;

/** The membership changes this service announces (contracts: broker/events.ts), all v1. */
export const membershipEvent = {
  memberJoined: (serverId: string, userId: string, correlationId?: string) =>
    createEnvelope('member.joined', 1, { serverId, userId }, 'membership', correlationId),
  memberLeft: (serverId: string, userId: string, correlationId?: string) =>
    createEnvelope('member.left', 1, { serverId, userId }, 'membership', correlationId),
  serverDeleted: (serverId: string, channelIds: string[], memberIds: string[], correlationId?: string) =>
    createEnvelope('server.deleted', 1, { serverId, channelIds, memberIds }, 'membership', correlationId),
  userUpdated: (userId: string, displayName: string, avatarUrl: string | null, correlationId?: string) =>
    createEnvelope('user.updated', 1, { userId, displayName, avatarUrl }, 'membership', correlationId),
  channelDeleted: (serverId: string, channelId: string, correlationId?: string) =>
    createEnvelope('channel.deleted', 1, { serverId, channelId }, 'membership', correlationId),
};
