import { z } from 'zod';
import { ObjectIdString } from '../ids.js';
import { Message } from '../rest/messages.js';
import { ReactionChangedPayload, ReadUpdatedPayload } from '../engagement.js';
import { Permission } from '../permissions.js';

/** Who removed a member (SPEC 15): the actor's id. */
const MemberRemovedPayload = z.object({ serverId: ObjectIdString, userId: ObjectIdString, actorId: ObjectIdString });

/**
 * Every event type with its version. The routing key of an event is `<type>.v<version>`
 * (e.g. `message.created.v1`); a new version is added beside the old one until every consumer moved.
 */
export const EVENT_PAYLOADS = {
  /** gateway → history: a message accepted by the broker, to persist. */
  'message.created': { 1: Message },
  /** history → gateways: an edited message, to broadcast to its channel. */
  'message.updated': { 1: Message },
  /** history → gateways: a deleted message, to broadcast to its channel. */
  'message.deleted': {
    1: z.object({ id: ObjectIdString, channelId: ObjectIdString, serverId: ObjectIdString.nullable(), deletedBy: ObjectIdString }),
  },
  /**
   * membership → gateways: a user's profile changed. Gateways drop their cached authorization answers
   * for the user (they carry the author profile stamped on new messages), so the next send shows it.
   */
  'user.updated': {
    1: z.object({ userId: ObjectIdString, displayName: z.string(), avatarUrl: z.string().nullable() }),
  },
  /**
   * gateway → membership: a message was accepted in a DM channel. Membership keeps each DM's
   * `lastMessageId` (GET /api/dms order) and the two users' DM partners (who hears their presence).
   */
  'dm.activity': {
    1: z.object({
      channelId: ObjectIdString,
      messageId: ObjectIdString,
      senderId: ObjectIdString,
      recipientIds: z.tuple([ObjectIdString, ObjectIdString]),
    }),
  },
  /** history → gateways: someone reacted (a new (message, emoji, user)), to broadcast to the channel. */
  'reaction.added': { 1: ReactionChangedPayload },
  /** history → gateways: a reaction was taken back, to broadcast to the channel. */
  'reaction.removed': { 1: ReactionChangedPayload },
  /** history → gateways: a user's read position moved forward, to relay to their own sockets. */
  'read.updated': { 1: ReadUpdatedPayload },
  /** membership → gateways: a user joined a server (drops negative caches). */
  'member.joined': { 1: z.object({ serverId: ObjectIdString, userId: ObjectIdString }) },
  /** membership → gateways: a user left a server (or was removed). */
  'member.left': { 1: z.object({ serverId: ObjectIdString, userId: ObjectIdString }) },
  /**
   * membership → gateways, history: a server and everything in it is gone.
   * `memberIds` lists everyone who was a member, so gateways can tell each of them (`server:removed`).
   */
  'server.deleted': {
    1: z.object({ serverId: ObjectIdString, channelIds: z.array(ObjectIdString), memberIds: z.array(ObjectIdString) }),
  },
  /** membership → gateways, history: a channel is gone (its messages go with it). */
  'channel.deleted': { 1: z.object({ serverId: ObjectIdString, channelId: ObjectIdString }) },
  /*
   * SPEC 15 permission changes (membership → gateways, history, other membership replicas). Each says
   * which cached authorization answers are stale; none is needed to compute permissions (ask again).
   */
  /**
   * A role was created, edited (name, permissions, position) or deleted: every member's permissions in
   * the server may have changed → drop every cached answer of the server. `permissions` is the role's
   * set after the change (empty when deleted). `@everyone` has `roleId` = the server id.
   */
  'role.changed': {
    1: z.object({
      serverId: ObjectIdString,
      roleId: ObjectIdString,
      change: z.enum(['created', 'updated', 'deleted']),
      permissions: z.array(Permission),
    }),
  },
  /** A channel's override for one role was set or removed → drop every cached answer of the channel. */
  'override.changed': {
    1: z.object({
      serverId: ObjectIdString,
      channelId: ObjectIdString,
      roleId: ObjectIdString,
      allow: z.array(Permission),
      deny: z.array(Permission),
    }),
  },
  /** A member's roles changed (role added or removed) → drop that user's cached answers in the server. */
  'member.updated': { 1: z.object({ serverId: ObjectIdString, userId: ObjectIdString, roleIds: z.array(ObjectIdString) }) },
  /**
   * A member was kicked. Always published together with `member.left` (same serverId/userId), which is
   * what evicts sockets and sends `server:removed`; this one tells who did it (audit, clients).
   */
  'member.kicked': { 1: MemberRemovedPayload },
  /**
   * A user was banned: they may not rejoin by any path until unbanned. If they were a member, a
   * `member.left` is published with it (evicting them exactly as a leave does).
   */
  'member.banned': { 1: MemberRemovedPayload },
} as const;

type Payloads = typeof EVENT_PAYLOADS;
export type EventType = keyof Payloads;
export type EventVersion<T extends EventType> = keyof Payloads[T] & number;
export type EventPayload<T extends EventType, V extends EventVersion<T> = EventVersion<T>> = z.infer<Payloads[T][V] & z.ZodType>;

export const PRODUCERS = ['gateway', 'membership', 'history'] as const;
export type Producer = (typeof PRODUCERS)[number];

export function routingKey(type: EventType, version: number): string {
  return `${type}.v${version}`;
}
