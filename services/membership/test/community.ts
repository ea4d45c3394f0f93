import { expect } from 'vitest';
import { Role, ServerDetail, type AuthResponse, type Permission } from '@chorus/contracts';
import { bearer, type Harness } from './harness.js';

export type User = AuthResponse;

/** Builders for SPEC 15 tests, through the real API. */
export function community(h: Pick<Harness, 'api'>) {
  const as = (u: User) => ({ authorization: bearer(u) });
  const ok = (res: { status: number; body: unknown }, status: number) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  };
  const api = {
    as,
    async server(owner: User, name = 'Guild'): Promise<ServerDetail> {
      return ServerDetail.parse(ok(await h.api.post('/api/servers').set(as(owner)).send({ name }), 201));
    },
    async join(user: User, serverId: string): Promise<void> {
      ok(await h.api.put(`/api/servers/${serverId}/members/@me`).set(as(user)), 201);
    },
    async role(actor: User, serverId: string, body: { name: string; permissions?: Permission[]; position?: number }): Promise<Role> {
      return Role.parse(ok(await h.api.post(`/api/servers/${serverId}/roles`).set(as(actor)).send(body), 201));
    },
    async grant(actor: User, serverId: string, userId: string, roleId: string): Promise<void> {
      ok(await h.api.put(`/api/servers/${serverId}/members/${userId}/roles/${roleId}`).set(as(actor)), 204);
    },
    /** `user` joins and gets a new role (position 10 by default) holding exactly `permissions`. */
    async memberWith(owner: User, serverId: string, user: User, permissions: Permission[], position = 10): Promise<Role> {
      await api.join(user, serverId);
      const role = await api.role(owner, serverId, { name: permissions.join('+') || 'none', permissions, position });
      await api.grant(owner, serverId, user.user.id, role.id);
      return role;
    },
    async me(user: User, serverId: string) {
      return ok(await h.api.get(`/api/servers/${serverId}/members/@me`).set(as(user)), 200) as {
        isMember: boolean;
        permissions: Permission[];
        roleIds: string[];
      };
    },
  };
  return api;
}
