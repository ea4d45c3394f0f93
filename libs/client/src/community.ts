import type { Http } from './http.js';
import { BansResponse, MemberAccess, Role, RolesResponse, type OverrideRequest, type RoleRequest } from './interim-contracts.js';

/** Read lazily: `ChorusClient` builds these objects in field initialisers, before its constructor sets `http`. */
interface HasHttp {
  readonly http: Http;
}

const enc = encodeURIComponent;
const server = (serverId: string) => `/api/servers/${enc(serverId)}`;

/** SPEC 15: roles (positions, permissions), role assignment and channel overrides. */
export const rolesApi = (c: HasHttp) => ({
  list: (serverId: string) => c.http.request('GET', `${server(serverId)}/roles`, RolesResponse).then((r) => r.roles),
  create: (serverId: string, body: RoleRequest) => c.http.request('POST', `${server(serverId)}/roles`, Role, { body }),
  update: (serverId: string, roleId: string, body: RoleRequest) =>
    c.http.request('PATCH', `${server(serverId)}/roles/${enc(roleId)}`, Role, { body }),
  remove: (serverId: string, roleId: string) => c.http.request('DELETE', `${server(serverId)}/roles/${enc(roleId)}`, undefined),
  assign: (serverId: string, userId: string, roleId: string) =>
    c.http.request('PUT', `${server(serverId)}/members/${enc(userId)}/roles/${enc(roleId)}`, undefined),
  unassign: (serverId: string, userId: string, roleId: string) =>
    c.http.request('DELETE', `${server(serverId)}/members/${enc(userId)}/roles/${enc(roleId)}`, undefined),
  setOverride: (serverId: string, channelId: string, roleId: string, body: OverrideRequest) =>
    c.http.request('PUT', `${server(serverId)}/channels/${enc(channelId)}/overrides/${enc(roleId)}`, undefined, { body }),
});

/** SPEC 15: the caller's own standing in a server, and kick / ban / unban. */
export const moderationApi = (c: HasHttp) => ({
  /** `{isMember, permissions, roleIds}`: what the UI may offer the caller. */
  access: (serverId: string) => c.http.request('GET', `${server(serverId)}/members/@me`, MemberAccess),
  kick: (serverId: string, userId: string) => c.http.request('DELETE', `${server(serverId)}/members/${enc(userId)}`, undefined),
  ban: (serverId: string, userId: string, reason?: string) =>
    c.http.request('PUT', `${server(serverId)}/bans/${enc(userId)}`, undefined, { body: reason ? { reason } : {} }),
  unban: (serverId: string, userId: string) => c.http.request('DELETE', `${server(serverId)}/bans/${enc(userId)}`, undefined),
  bans: (serverId: string) => c.http.request('GET', `${server(serverId)}/bans`, BansResponse).then((r) => r.bans),
});
