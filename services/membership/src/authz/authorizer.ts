import { Types } from 'mongoose';
import {
  ALL_PERMISSIONS,
  AuthzRequest,
  ChannelListRequest,
  DM_PERMISSIONS,
  type AuthzResponse,
  type ChannelListResponse,
} from '@chorus/contracts';
import type { Models } from '../db/models.js';
import { PROFILE_FIELDS, toProfile, type ProfileDoc } from '../users/user.profile.js';
import type { ChannelCache } from './channel-cache.js';
import { listReadableChannels } from './channel-list.js';
import { createDmDirectory, type DmDirectory, type DmRecipients } from './dm-directory.js';
import { channelPermissions } from '../permissions/compute.js';
import { loadMembership, loadOverrides, loadRoles, memberView } from '../permissions/permission-data.js';

export type Authorizer = (raw: unknown) => Promise<AuthzResponse | ChannelListResponse>;

const hasKind = (raw: unknown): boolean => typeof raw === 'object' && raw !== null && 'kind' in raw;
const invalid = (issues: Array<{ path: PropertyKey[]; message: string }>) => ({
  status: 'invalid' as const,
  message: issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
});

/** A DM channel as authorization names it (SPEC 10: `serverId` null). */
const DM_NAME = 'dm';

/**
 * Requests with a `kind` are channel-list questions (channel-list.ts). The rest answer "may this user
 * read/send in this channel, which server is it in, and what may they do there?" Hot path: the channel
 * comes from the in-process caches (server channels, DMs); the owner needs no query (every permission);
 * anyone else is three reads in parallel — the membership (unique (serverId, userId) index, projected to
 * its roles), the server's roles and the channel's overrides — and SPEC 15's computation
 * (permissions/compute.ts). Roles and overrides are not cached here, for the reason membership is not
 * (README: a stale answer re-cached by a gateway would outlive the event that should have dropped it).
 * A DM allows its two recipients only, with DM_PERMISSIONS. Also answers "who is this user?" (profile +
 * servers), asked once per gateway connection.
 */
export function createAuthorizer(models: Models, channels: ChannelCache, dms: DmDirectory = createDmDirectory(models, 50_000)): Authorizer {
  const dmAnswer = (channelId: string, recipientIds: DmRecipients, userId: string): AuthzResponse => {
    const channel = { id: channelId, serverId: null, name: DM_NAME, recipientIds };
    return recipientIds.includes(userId)
      ? { status: 'allowed', channel, role: 'member', permissions: [...DM_PERMISSIONS] }
      : { status: 'not_member', channel };
  };

  const channelAnswer = async (userId: string, channelId: string): Promise<AuthzResponse> => {
    const seenDm = dms.peek(channelId);
    if (seenDm) return dmAnswer(channelId, seenDm, userId);
    const info = await channels.get(channelId);
    if (!info) {
      const dm = await dms.get(channelId);
      return dm ? dmAnswer(channelId, dm, userId) : { status: 'not_found' };
    }
    const channel = { id: info.id, serverId: info.serverId, name: info.name };
    if (info.ownerId === userId) return { status: 'allowed', channel, role: 'owner', permissions: [...ALL_PERMISSIONS] };
    // The driver directly: no mongoose query building or casting on the hot path (ids are already valid).
    const [roleIds, roles, overrides] = await Promise.all([
      loadMembership(models, info.serverId, userId),
      loadRoles(models, info.serverId),
      loadOverrides(models, channelId),
    ]);
    if (roleIds === null) return { status: 'not_member', channel };
    const permissions = channelPermissions(memberView(info.serverId, info.ownerId, userId, roleIds, roles), overrides);
    return { status: 'allowed', channel, role: 'member', permissions };
  };

  const userAnswer = async (userId: string): Promise<AuthzResponse> => {
    const id = new Types.ObjectId(userId);
    const [user, memberships] = await Promise.all([
      models.User.findById(id, PROFILE_FIELDS).lean<ProfileDoc>(),
      models.Member.find({ userId: id }, { serverId: 1 }).lean(),
    ]);
    if (!user) return { status: 'not_found' };
    const { displayName, avatarUrl } = toProfile(user);
    return { status: 'user', profile: { displayName, avatarUrl }, serverIds: memberships.map((m) => m.serverId.toHexString()) };
  };

  return async (raw) => {
    if (hasKind(raw)) {
      const list = ChannelListRequest.safeParse(raw);
      return list.success ? listReadableChannels(models, list.data) : invalid(list.error.issues);
    }
    const request = AuthzRequest.safeParse(raw);
    if (!request.success) return invalid(request.error.issues);
    const question = request.data;
    return 'scope' in question ? userAnswer(question.userId) : channelAnswer(question.userId, question.channelId);
  };
}
