import { Router, type RequestHandler } from 'express';
import { CreateRoleRequest, MemberRoleParams, RoleIdParams, ServerIdParams, UpdateRoleRequest } from '@chorus/contracts';
import { currentUser, parseOrThrow } from '@chorus/runtime';
import { correlationOf } from '../servers/servers.routes.js';
import type { RoleService } from './role.service.js';
import type { MemberRoleService } from './member-roles.js';

/** SPEC 15 roles and members' roles. */
export function rolesRoutes(deps: { roles: RoleService; memberRoles: MemberRoleService; auth: RequestHandler }): Router {
  const router = Router();
  const { roles, memberRoles, auth } = deps;

  router.get('/api/servers/:serverId/roles', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    res.json({ roles: await roles.list(serverId, currentUser(res)) });
  });

  router.post('/api/servers/:serverId/roles', auth, async (req, res) => {
    const { serverId } = parseOrThrow(ServerIdParams, req.params);
    const body = parseOrThrow(CreateRoleRequest, req.body);
    res.status(201).json(await roles.create(serverId, currentUser(res), body, correlationOf(req)));
  });

  router.patch('/api/servers/:serverId/roles/:roleId', auth, async (req, res) => {
    const { serverId, roleId } = parseOrThrow(RoleIdParams, req.params);
    const body = parseOrThrow(UpdateRoleRequest, req.body);
    res.json(await roles.update(serverId, roleId, currentUser(res), body, correlationOf(req)));
  });

  router.delete('/api/servers/:serverId/roles/:roleId', auth, async (req, res) => {
    const { serverId, roleId } = parseOrThrow(RoleIdParams, req.params);
    await roles.remove(serverId, roleId, currentUser(res), correlationOf(req));
    res.status(204).end();
  });

  router.put('/api/servers/:serverId/members/:userId/roles/:roleId', auth, async (req, res) => {
    const { serverId, userId, roleId } = parseOrThrow(MemberRoleParams, req.params);
    await memberRoles.add(serverId, userId, roleId, currentUser(res), correlationOf(req));
    res.status(204).end();
  });

  router.delete('/api/servers/:serverId/members/:userId/roles/:roleId', auth, async (req, res) => {
    const { serverId, userId, roleId } = parseOrThrow(MemberRoleParams, req.params);
    await memberRoles.remove(serverId, userId, roleId, currentUser(res), correlationOf(req));
    res.status(204).end();
  });

  return router;
}
