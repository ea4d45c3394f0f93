import {
  ChannelOverride,
  IsMemberResponse,
  ListBansResponse,
  ListOverridesResponse,
  ListRolesResponse,
  Role,
  type CreateRoleRequest,
  type PutOverrideRequest,
  type UpdateRoleRequest,
} from '@chorus/contracts';
import type { z } from 'zod';
import type { Http } from './http.js';

/** Read lazily: `ChorusClient` builds these objects in field initialisers, before its constructor sets `http`. */
interface HasHttp {
  readonly http: Http;
}

const enc = encodeURIComponent;
const server = (serverId: string) => `/api/servers/${enc(serverId)}`;
const channel = (serverId: string, channelId: string) => `${server(serverId)}/channels/${enc(channelId)}`;

/** SPEC 15: roles (positions, permissions), role assignment and channel overrides. */
export const rolesApi = (c: HasHttp) => ({
  /** Highest position first, `@everyone` (id = the server id, position 0) last. */
  list: (serverId: string) => c.http.request('GET', `${server(serverId)}/roles`, ListRolesResponse).then((r) => r.roles),
  create: (serverId: string, body: z.input<typeof CreateRoleRequest>) =>
    c.http.request('POST', `${server(serverId)}/roles`, Role, { body }),
  update: (serverId: string, roleId: string, body: z.input<typeof UpdateRoleRequest>) =>
    c.http.request('PATCH', `${server(serverId)}/roles/${enc(roleId)}`, Role, { body }),
  remove: (serverId: string, roleId: string) => c.http.request('DELETE', `${server(serverId)}/roles/${enc(roleId)}`, undefined),
  assign: (serverId: string, userId: string, roleId: string) =>
    c.http.request('PUT', `${server(serverId)}/members/${enc(userId)}/roles/${enc(roleId)}`, undefined),
  unassign: (serverId: string, userId: string, roleId: string) =>
    c.http.request('DELETE', `${server(serverId)}/members/${enc(userId)}/roles/${enc(roleId)}`, undefined),
  /** MANAGE_CHANNELS. */
  overrides: (serverId: string, channelId: string) =>
    c.http.request('GET', `${channel(serverId, channelId)}/overrides`, ListOverridesResponse).then((r) => r.overrides),
  /** Both lists empty removes the override. */
  setOverride: (serverId: string, channelId: string, roleId: string, body: z.input<typeof PutOverrideRequest>) =>
    c.http.request('PUT', `${channel(serverId, channelId)}/overrides/${enc(roleId)}`, ChannelOverride, { body }),
});

/** SPEC 15: the caller's own standing in a server (or one of its channels), and kick / ban / unban. */
export const moderationApi = (c: HasHttp) => ({
  /** `{isMember, permissions, roleIds}`; with `channelId`, the permissions in that channel (after its overrides). */
  access: (serverId: string, channelId?: string) =>
    c.http.request('GET', `${server(serverId)}/members/@me`, IsMemberResponse, { query: { channelId } }),
  kick: (serverId: string, userId: string) => c.http.request('DELETE', `${server(serverId)}/members/${enc(userId)}`, undefined),
  ban: (serverId: string, userId: string, reason?: string) =>
    c.http.request('PUT', `${server(serverId)}/bans/${enc(userId)}`, undefined, { body: reason ? { reason } : {} }),
  unban: (serverId: string, userId: string) => c.http.request('DELETE', `${server(serverId)}/bans/${enc(userId)}`, undefined),
  /** BAN_MEMBERS; newest first. */
  bans: (serverId: string) => c.http.request('GET', `${server(serverId)}/bans`, ListBansResponse).then((r) => r.bans),
});
