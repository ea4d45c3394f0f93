import type { Express } from 'express';
import {
  authWithWriteLimit,
  createHttpApp,
  createRestWriteLimiter,
  createTokenVerifier,
  finishApp,
  healthRoutes,
  requireAuth,
  type Logger,
  type Metrics,
  type ReadinessProbe,
  type RedisClient,
} from '@chorus/runtime';
import type { MembershipConfig } from './config.js';
import type { Models } from './db/models.js';
import type { MembershipEvents } from './events/membership-events.js';
import type { ChannelCache } from './authz/channel-cache.js';
import { createPasswordHasher } from './auth/passwords.js';
import { createTokenIssuer } from './auth/token-issuer.js';
import { createRefreshTokenStore } from './auth/refresh-tokens.js';
import { createLoginLimiter } from './auth/login-limiter.js';
import { createRegistrationLimiter } from './auth/registration-limiter.js';
import { authRoutes } from './auth/auth.routes.js';
import { createUserRepository } from './users/user.repository.js';
import { usersRoutes } from './users/users.routes.js';
import { createCategoryRepository } from './categories/category.repository.js';
import { categoriesRoutes } from './categories/categories.routes.js';
import { createServerService } from './servers/server.service.js';
import { serversRoutes } from './servers/servers.routes.js';
import { createChannelService } from './channels/channel.service.js';
import { channelsRoutes } from './channels/channels.routes.js';
import { createMemberService } from './members/member.service.js';
import { membersRoutes } from './members/members.routes.js';
import { optionalAuth, outageMapper } from './http/middleware.js';
import { docsRoutes } from './docs/docs.routes.js';
import { createUserLimiter } from './auth/rate-limit.js';
import { createProfileService } from './users/profile.service.js';
import { createDmService } from './dms/dm.service.js';
import { dmsRoutes } from './dms/dms.routes.js';
import { createPresenceReader } from './members/presence-reader.js';
import { quotasOf } from './quotas/quotas.js';
import { createInviteService } from './invites/invite.service.js';
import { invitesRoutes } from './invites/invites.routes.js';
import { invitePermissions } from './invites/invite.access.js';
import { communityRoutes } from './community.js';
import { createPermissionChecker } from './permissions/permission-checker.js';

/** What the HTTP app needs, already connected (main.ts or a test builds these). */
export interface AppDeps {
  logger: Logger;
  models: Models;
  redis: RedisClient;
  events: MembershipEvents;
  channelCache: ChannelCache;
  metrics?: Metrics;
  /** Each dependency by name → up. */
  readiness: () => Record<string, boolean>;
  isShuttingDown?: () => boolean;
}

/** The membership REST API (SPEC 2, 3, 7). No I/O here: tests build it and listen on port 0. */
export function createApp(deps: AppDeps, config: MembershipConfig): Express {
  const { logger, models, redis, events, channelCache } = deps;
  const tokens = createTokenIssuer({ privateKey: config.privateKey, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  const verify = createTokenVerifier({ publicKey: tokens.publicKeyPem, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  const restWrites = createRestWriteLimiter(redis, config.REDIS_PREFIX, {
    points: config.REST_WRITES_PER_WINDOW,
    windowSeconds: config.REST_WRITES_WINDOW_SECONDS,
  });
  const auth = authWithWriteLimit(requireAuth(verify), restWrites);
  const users = createUserRepository(models);
  const categories = createCategoryRepository(models);
  const quotas = quotasOf(config);

  const app = createHttpApp(logger, deps.metrics);
  const probe: ReadinessProbe = () => deps.readiness();
  app.use(healthRoutes(probe, deps.isShuttingDown));
  app.use(
    authRoutes({
      users,
      tokens,
      passwords: createPasswordHasher({
        memoryKiB: config.ARGON2_MEMORY_KIB,
        timeCost: config.ARGON2_TIME_COST,
        parallelism: config.ARGON2_PARALLELISM,
      }),
      refreshTokens: createRefreshTokenStore({ models, logger, ttlSeconds: config.REFRESH_TOKEN_TTL_SECONDS }),
      loginLimiter: createLoginLimiter(redis, config.REDIS_PREFIX, {
        perUserIp: config.LOGIN_MAX_FAILURES_PER_USER_IP,
        perIp: config.LOGIN_MAX_FAILURES_PER_IP,
        windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
      }),
      registrationLimiter: createRegistrationLimiter(redis, config.REDIS_PREFIX, {
        perIp: config.REGISTRATIONS_PER_IP,
        windowSeconds: config.REGISTRATION_WINDOW_SECONDS,
      }),
    }),
  );
  app.use(docsRoutes());
  const searchLimiter = createUserLimiter(redis, `${config.REDIS_PREFIX}people:search`, {
    points: config.USER_SEARCH_PER_WINDOW,
    windowSeconds: config.USER_SEARCH_WINDOW_SECONDS,
  });
  const writeLimiter = createUserLimiter(redis, `${config.REDIS_PREFIX}people:write`, {
    points: config.PEOPLE_WRITES_PER_WINDOW,
    windowSeconds: config.PEOPLE_WRITES_WINDOW_SECONDS,
  });
  app.use(usersRoutes({ users, profiles: createProfileService({ users, events }), auth, searchLimiter, writeLimiter }));
  app.use(dmsRoutes({ dms: createDmService({ models, users }), auth, writeLimiter }));
  app.use(categoriesRoutes({ categories }));
  app.use(
    serversRoutes({
      servers: createServerService({ models, categories, events, channelCache, logger, quotas }),
      auth,
      optionalAuth: optionalAuth(verify),
    }),
  );
  app.use(channelsRoutes({ channels: createChannelService({ models, events, channelCache, quotas }), auth }));
  const presence = createPresenceReader(redis, config.REDIS_PREFIX);
  const members = createMemberService({ models, events, presence, quotas });
  app.use(membersRoutes({ members, auth }));
  app.use(communityRoutes({ models, events, auth, quotas }));
  const requirePermission = invitePermissions(createPermissionChecker(models));
  app.use(invitesRoutes({ invites: createInviteService({ models, members, requirePermission }), auth }));
  app.use(outageMapper(() => Object.values(deps.readiness()).every(Boolean)));
  return finishApp(app, logger);
}
