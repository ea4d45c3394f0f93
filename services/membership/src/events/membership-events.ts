import { createEnvelope, type Permission } from '@chorus/contracts';
import type { EventOutbox } from './outbox.js';

/** What the domain services need from the outbox: make a change and announce it (EventOutbox.record). */
export type MembershipEvents = Pick<EventOutbox, 'record'>;

/**
 * The membership changes this service announces (contracts: broker/events.ts), all v1. A kick is
 * recorded as `member.kicked` around `member.left` (two outbox records, the left one published first);
 * a ban of a member likewise as `member.banned` around `member.left`.
 */
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
  roleChanged: (
    serverId: string,
    roleId: string,
    change: 'created' | 'updated' | 'deleted',
    permissions: Permission[],
    correlationId?: string,
  ) => createEnvelope('role.changed', 1, { serverId, roleId, change, permissions }, 'membership', correlationId),
  overrideChanged: (serverId: string, channelId: string, roleId: string, allow: Permission[], deny: Permission[], correlationId?: string) =>
    createEnvelope('override.changed', 1, { serverId, channelId, roleId, allow, deny }, 'membership', correlationId),
  memberUpdated: (serverId: string, userId: string, roleIds: string[], correlationId?: string) =>
    createEnvelope('member.updated', 1, { serverId, userId, roleIds }, 'membership', correlationId),
  memberKicked: (serverId: string, userId: string, actorId: string, correlationId?: string) =>
    createEnvelope('member.kicked', 1, { serverId, userId, actorId }, 'membership', correlationId),
  memberBanned: (serverId: string, userId: string, actorId: string, correlationId?: string) =>
    createEnvelope('member.banned', 1, { serverId, userId, actorId }, 'membership', correlationId),
};
