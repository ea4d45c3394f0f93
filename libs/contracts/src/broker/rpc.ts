import { z } from 'zod';
import { ObjectIdString } from '../ids.js';
import { Permission } from '../permissions.js';

/**
 * Authorization RPC (membership answers; gateway and history ask).
 *
 * Request: publish to the default exchange with routing key `topologyNames().authzQueue`,
 * `replyTo: 'amq.rabbitmq.reply-to'` (direct reply-to: no reply queue per caller), a unique
 * `correlationId`, `contentType: 'application/json'`, `expiration` ≤ AUTHZ_REQUEST_TTL_MS, not persistent.
 * Reply: sent by membership to `replyTo` with the same `correlationId`.
 *
 * The answer is cacheable by the caller for AUTHZ_CACHE_TTL_MS; callers drop cached answers for a
 * (user, server) on `member.left` / `server.deleted` / `channel.deleted`, so a revoked member is refused within 1 s.
 * Since SPEC 15 an `allowed` answer carries the user's effective `permissions` in that channel, so callers
 * also drop cached answers on the permission events (broker/events.ts): `role.changed` (every answer of
 * the server), `override.changed` (every answer of the channel), `member.updated` (the user's answers in
 * the server), and `member.kicked` / `member.banned` (which come with a `member.left`).
 */
export const AuthzChannelRequest = z.strictObject({
  userId: ObjectIdString,
  channelId: ObjectIdString,
});
/**
 * "Who is this user?" — the gateway asks once per connection: the profile its messages are stamped with
 * (SPEC 10; kept current by `user.updated`) and the servers its presence is announced in (SPEC 11; kept
 * current by `member.*`).
 */
export const AuthzUserRequest = z.strictObject({ userId: ObjectIdString, scope: z.literal('user') });
export const AuthzRequest = z.union([AuthzChannelRequest, AuthzUserRequest]);
export type AuthzRequest = z.infer<typeof AuthzRequest>;

/**
 * A server channel (`serverId` set) or a DM channel (`serverId` null, `recipientIds` its two users:
 * the only ones allowed, and whose user rooms get its messages).
 */
export const AuthzChannel = z.object({
  id: ObjectIdString,
  serverId: ObjectIdString.nullable(),
  name: z.string(),
  recipientIds: z.tuple([ObjectIdString, ObjectIdString]).optional(),
});
export type AuthzChannel = z.infer<typeof AuthzChannel>;

/** A user's profile as a message sent now is stamped with it (SPEC 10; the username comes from the token). */
export const AuthzProfile = z.object({ displayName: z.string(), avatarUrl: z.string().nullable() });
export type AuthzProfile = z.infer<typeof AuthzProfile>;

/**
 * The third kind of question (SPEC 13's read states): "which channels of this server may this user
 * read?" — `{kind:'server-channels', userId, serverId}` — or, for DMs, `{kind:'dm-channels', userId}`.
 * A request without `kind` is the channel question above (so older callers keep working).
 */
export const ChannelListRequest = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('server-channels'), userId: ObjectIdString, serverId: ObjectIdString }),
  z.strictObject({ kind: z.literal('dm-channels'), userId: ObjectIdString }),
]);
export type ChannelListRequest = z.infer<typeof ChannelListRequest>;

export const ChannelListResponse = z.discriminatedUnion('status', [
  /** The channels the user may read (READ_HISTORY there, SPEC 15), in the server's order (`serverId` null for DMs). */
  z.object({
    status: z.literal('allowed'),
    serverId: ObjectIdString.nullable(),
    channels: z.array(z.object({ id: ObjectIdString, name: z.string() })),
  }),
  /** The server exists; the user is not a member. */
  z.object({ status: z.literal('not_member') }),
  /** No such server. */
  z.object({ status: z.literal('not_found') }),
  z.object({ status: z.literal('invalid'), message: z.string() }),
]);
export type ChannelListResponse = z.infer<typeof ChannelListResponse>;

export const AuthzResponse = z.discriminatedUnion('status', [
  /**
   * The user is a member of the channel's server (or a recipient of the DM); `role` is `owner` for the
   * server's owner (never in a DM). `permissions`: the user's effective permissions in this channel
   * (SPEC 15: roles, then the channel's overrides), expanded — the owner and ADMINISTRATOR holders get
   * every permission listed — so a caller checks `permissions.includes('SEND_MESSAGES')`. A DM's
   * recipients get DM_PERMISSIONS. A member may be `allowed` and still lack READ_HISTORY: callers enforce.
   */
  z.object({
    status: z.literal('allowed'),
    channel: AuthzChannel,
    role: z.enum(['owner', 'member']),
    permissions: z.array(Permission),
  }),
  /** The answer to a user request (`not_found` when there is no such user). */
  z.object({ status: z.literal('user'), profile: AuthzProfile, serverIds: z.array(ObjectIdString) }),
  /** The channel exists; the user is not a member of its server. */
  z.object({ status: z.literal('not_member'), channel: AuthzChannel }),
  /** No such channel. */
  z.object({ status: z.literal('not_found') }),
  /** The request itself was invalid. */
  z.object({ status: z.literal('invalid'), message: z.string() }),
]);
export type AuthzResponse = z.infer<typeof AuthzResponse>;

/** How long a caller may reuse a positive answer (membership events invalidate sooner). */
export const AUTHZ_CACHE_TTL_MS = 30_000;
/** How long a caller waits for an answer before treating membership as UNAVAILABLE. */
export const AUTHZ_TIMEOUT_MS = 2_000;
