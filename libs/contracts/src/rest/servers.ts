import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { IsoDateTime, ObjectIdString } from '../ids.js';
import { Permission } from '../permissions.js';

const trimmed = (min: number, max: number) => z.string().trim().min(min).max(max);

/** Query-string integer in [min, max]; rejects `1e9`, `abc`, `10.5`, arrays and objects. */
export const queryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((n) => n ?? fallback);

export const Category = z.object({ id: ObjectIdString, name: z.string(), description: z.string() });
export type Category = z.infer<typeof Category>;
export const CategoriesResponse = z.array(Category);

export const ChannelName = trimmed(1, LIMITS.channelNameMaxChars);
export const ChannelTopic = z.string().trim().max(LIMITS.channelTopicMaxChars);

export const Channel = z.object({
  id: ObjectIdString,
  serverId: ObjectIdString,
  name: z.string(),
  topic: z.string(),
});
export type Channel = z.infer<typeof Channel>;

export const CreateChannelRequest = z.strictObject({ name: ChannelName, topic: ChannelTopic.optional() });
export type CreateChannelRequest = z.infer<typeof CreateChannelRequest>;
export const UpdateChannelRequest = z
  .strictObject({ name: ChannelName.optional(), topic: ChannelTopic.optional() })
  .refine((b) => b.name !== undefined || b.topic !== undefined, 'give at least one of name, topic');
export type UpdateChannelRequest = z.infer<typeof UpdateChannelRequest>;

/** SPEC 14: a private server is in no explore or search list (but `member=@me`) and is joined by invite only. */
export const ServerVisibility = z.enum(['public', 'private']);
export type ServerVisibility = z.infer<typeof ServerVisibility>;

export const CreateServerRequest = z.strictObject({
  name: trimmed(1, LIMITS.serverNameMaxChars),
  description: z.string().trim().max(LIMITS.serverDescriptionMaxChars).optional(),
  /** Category by name (case-insensitive); unknown names are a 400. */
  category: z.string().trim().min(1).max(64).optional(),
  /** Default `public`. */
  visibility: ServerVisibility.optional(),
});
export type CreateServerRequest = z.infer<typeof CreateServerRequest>;

export const UpdateServerRequest = z
  .strictObject({
    name: trimmed(1, LIMITS.serverNameMaxChars).optional(),
    description: z.string().trim().max(LIMITS.serverDescriptionMaxChars).optional(),
    category: z.string().trim().min(1).max(64).nullable().optional(),
    visibility: ServerVisibility.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type UpdateServerRequest = z.infer<typeof UpdateServerRequest>;

/** GET /api/servers query. */
export const ExploreServersQuery = z.strictObject({
  category: z.string().trim().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(LIMITS.searchQueryMaxChars).optional(),
  member: z.literal('@me').optional(),
  limit: queryInt(LIMITS.listPageMin, LIMITS.listPageMax, LIMITS.listPageDefault),
});
export type ExploreServersQuery = z.infer<typeof ExploreServersQuery>;

export const ServerSummary = z.object({
  id: ObjectIdString,
  name: z.string(),
  description: z.string(),
  /** Category name, or null when the server has none. */
  category: z.string().nullable(),
  ownerId: ObjectIdString,
  memberCount: z.number().int().nonnegative(),
  createdAt: IsoDateTime,
  /** SPEC 14; servers created before visibility existed are `public`. */
  visibility: ServerVisibility,
});
export type ServerSummary = z.infer<typeof ServerSummary>;

export const ExploreServersResponse = z.object({ servers: z.array(ServerSummary) });
export type ExploreServersResponse = z.infer<typeof ExploreServersResponse>;

/** GET /api/servers/:serverId and the 201 of POST /api/servers. */
export const ServerDetail = ServerSummary.extend({ channels: z.array(Channel) });
export type ServerDetail = z.infer<typeof ServerDetail>;

export const ServerIdParams = z.strictObject({ serverId: ObjectIdString });
export const ChannelIdParams = z.strictObject({ serverId: ObjectIdString, channelId: ObjectIdString });

/**
 * GET /api/servers/:serverId/members/@me: whether the caller is a member, their server-level effective
 * permissions (all of them for the owner or ADMINISTRATOR; none for a non-member) and the ids of the
 * roles they hold besides `@everyone` (SPEC 15; the web client shows what the caller may do from it).
 */
export const IsMemberResponse = z.object({ isMember: z.boolean(), permissions: z.array(Permission), roleIds: z.array(ObjectIdString) });
export type IsMemberResponse = z.infer<typeof IsMemberResponse>;

/**
 * GET …/members/@me?channelId=<id>: `permissions` are then the caller's in that channel, after its
 * overrides (the web client disables its composer without SEND_MESSAGES there). Unknown channel → 404.
 */
export const MemberAccessQuery = z.strictObject({ channelId: ObjectIdString.optional() });
export type MemberAccessQuery = z.infer<typeof MemberAccessQuery>;

/** GET /api/servers/:serverId/members?limit=&after=<userId> — in join order. */
export const ListMembersQuery = z.strictObject({
  limit: queryInt(LIMITS.listPageMin, LIMITS.listPageMax, LIMITS.listPageDefault),
  after: ObjectIdString.optional(),
});
export type ListMembersQuery = z.infer<typeof ListMembersQuery>;

/** What others see of a user's presence (SPEC 11): `invisible` is shown as `offline`. */
export const VisibleStatus = z.enum(['online', 'idle', 'dnd', 'offline']);
export type VisibleStatus = z.infer<typeof VisibleStatus>;

/** `roleIds`: the roles the member holds besides `@everyone` (SPEC 15). */
export const Member = z.object({
  userId: ObjectIdString,
  username: z.string(),
  joinedAt: IsoDateTime,
  status: VisibleStatus,
  roleIds: z.array(ObjectIdString),
});
export type Member = z.infer<typeof Member>;
export const ListMembersResponse = z.object({ members: z.array(Member) });
export type ListMembersResponse = z.infer<typeof ListMembersResponse>;

/** 201 of PUT /api/servers/:serverId/members/@me. */
export const JoinResponse = z.object({ serverId: ObjectIdString, userId: ObjectIdString, joinedAt: IsoDateTime });
export type JoinResponse = z.infer<typeof JoinResponse>;
