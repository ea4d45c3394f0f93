import { Router, type RequestHandler } from 'express';
import type { Models } from './db/models.js';
import type { MembershipEvents } from './events/membership-events.js';
import { createPermissionChecker } from './permissions/permission-checker.js';
import { createRoleService } from './roles/role.service.js';
import { createMemberRoleService } from './roles/member-roles.js';
import { rolesRoutes } from './roles/roles.routes.js';
import { createOverrideService } from './overrides/override.service.js';
import { overridesRoutes } from './overrides/overrides.routes.js';
import { createKick } from './members/kick.service.js';
import { createBanService } from './bans/ban.service.js';
import { moderationRoutes } from './bans/moderation.routes.js';
import type { Quotas } from './quotas/quotas.js';

/** SPEC 15's routes: roles, members' roles, channel overrides, kick and ban. Mount after membersRoutes. */
export function communityRoutes(deps: { models: Models; events: MembershipEvents; auth: RequestHandler; quotas: Quotas }): Router {
  const { models, events, auth, quotas } = deps;
  const permissions = createPermissionChecker(models);
  const services = { models, events, permissions };
  const router = Router();
  router.use(rolesRoutes({ roles: createRoleService({ ...services, quotas }), memberRoles: createMemberRoleService(services), auth }));
  router.use(overridesRoutes({ overrides: createOverrideService(services), auth }));
  router.use(moderationRoutes({ kick: createKick(services), bans: createBanService(services), auth }));
  return router;
}
