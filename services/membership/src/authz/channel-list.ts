import { Types } from 'mongoose';
import type { ChannelListRequest, ChannelListResponse } from '@chorus/contracts';
import type { Models } from '../db/models.js';
import { channelPermissions } from '../permissions/compute.js';
import { loadMembership, loadRoles, memberView } from '../permissions/permission-data.js';
import type { OverrideView } from '../permissions/compute.js';

/**
 * "Which channels may this user read?" (the `server-channels` / `dm-channels` RPC kinds, for history's
 * read states). A server's channels in creation order (as `GET /api/servers/:id` lists them) for its
 * owner or a member — only those where the user has READ_HISTORY (SPEC 15: roles, then each channel's
 * overrides; filtered here, the one place that decides). Reads: the server (owner), the membership
 * (unique index), the roles, the channels (`serverId` index) and the server's overrides (`serverId`
 * index). A user's DMs (SPEC 10) are one read on the `userIds` index.
 */
export async function listReadableChannels(models: Models, request: ChannelListRequest): Promise<ChannelListResponse> {
  if (request.kind === 'dm-channels') return listDmChannels(models, request.userId);
  const serverId = new Types.ObjectId(request.serverId);
  const server = await models.Server.collection.findOne({ _id: serverId }, { projection: { ownerId: 1 } });
  if (!server) return { status: 'not_found' };
  const ownerId = (server.ownerId as Types.ObjectId).toHexString();
  const [roleIds, roles] = await Promise.all([
    loadMembership(models, request.serverId, request.userId),
    loadRoles(models, request.serverId),
  ]);
  const view = memberView(request.serverId, ownerId, request.userId, roleIds, roles);
  if (!view.isMember) return { status: 'not_member' };
  const [channels, overrides] = await Promise.all([
    models.Channel.collection
      .find({ serverId }, { projection: { name: 1 } })
      .sort({ _id: 1 })
      .toArray(),
    models.Override.collection.find({ serverId }, { projection: { channelId: 1, roleId: 1, allow: 1, deny: 1 } }).toArray(),
  ]);
  const byChannel = new Map<string, OverrideView[]>();
  for (const o of overrides) {
    const key = (o.channelId as Types.ObjectId).toHexString();
    const list = byChannel.get(key) ?? [];
    list.push({
      roleId: (o.roleId as Types.ObjectId).toHexString(),
      allow: o.allow as OverrideView['allow'],
      deny: o.deny as OverrideView['deny'],
    });
    byChannel.set(key, list);
  }
  const readable = channels
    .map((c) => ({ id: (c._id as Types.ObjectId).toHexString(), name: String(c.name) }))
    .filter((c) => channelPermissions(view, byChannel.get(c.id) ?? []).includes('READ_HISTORY'));
  return { status: 'allowed', serverId: request.serverId, channels: readable };
}

/** The caller's DM channels, most recently active first (a DM's channel id is its own id; its name is `dm`). */
async function listDmChannels(models: Models, userId: string): Promise<ChannelListResponse> {
  const dms = await models.Dm.collection
    .find({ userIds: new Types.ObjectId(userId) }, { projection: { _id: 1 } })
    .sort({ lastActivityAt: -1 })
    .toArray();
  return { status: 'allowed', serverId: null, channels: dms.map((d) => ({ id: (d._id as Types.ObjectId).toHexString(), name: 'dm' })) };
}
