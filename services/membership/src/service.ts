import type { Express } from 'express';
import { createMetrics, type Logger, type Metrics } from '@chorus/runtime';
import type { MembershipConfig } from './config.js';
import { connectInfrastructure, type Infrastructure } from './infrastructure.js';
import { createApp } from './app.js';
import { createAuthorizer } from './authz/authorizer.js';
import { startAuthzResponder, type AuthzResponder } from './authz/authz-responder.js';
import { startCacheInvalidation } from './authz/cache-invalidation.js';

/** The whole service minus the process: connections, the HTTP app, and the consumers once ready. */
export interface MembershipService {
  app: Express;
  infra: Infrastructure;
  /** This replica's Prometheus registry, served at GET /metrics. */
  metrics: Metrics;
  /** Resolves once every dependency is up and the consumers are consuming (the service is ready). */
  started: Promise<void>;
  /** Requests answered by this replica's authorization responder. */
  readonly authzAnswered: number;
  isShuttingDown(): boolean;
  /** Not ready any more; consumers stopped (in-flight answers finished). HTTP is the caller's to drain. */
  beginShutdown(): Promise<void>;
  /** Closes every connection. */
  close(): Promise<void>;
}

export function createMembershipService(config: MembershipConfig, logger: Logger): MembershipService {
  const infra = connectInfrastructure(config, logger);
  const metrics = createMetrics('membership');
  let shuttingDown = false;
  let consuming = false;
  let responder: AuthzResponder | undefined;
  let invalidation: ReturnType<typeof startCacheInvalidation> | undefined;

  const app = createApp(
    {
      logger,
      models: infra.models,
      redis: infra.redis,
      events: infra.events,
      channelCache: infra.channelCache,
      metrics,
      // Ready also means this replica answers authorization requests.
      readiness: () => ({ ...infra.readiness(), consumers: consuming }),
      isShuttingDown: () => shuttingDown,
    },
    config,
  );

  // Consumers start only once MongoDB, Redis and the broker are up.
  const started = infra.ready.then(async () => {
    if (shuttingDown) return;
    responder = startAuthzResponder({
      connection: infra.broker,
      names: infra.names,
      authorize: createAuthorizer(infra.models, infra.channelCache),
      logger,
      prefetch: config.AUTHZ_PREFETCH,
      metrics,
    });
    invalidation = startCacheInvalidation({
      connection: infra.broker,
      names: infra.names,
      instanceId: config.INSTANCE_ID,
      cache: infra.channelCache,
      logger,
    });
    await Promise.all([responder.ready, invalidation.ready]);
    consuming = true;
    infra.outbox.startRelay();
  });

  return {
    app,
    infra,
    metrics,
    started,
    get authzAnswered() {
      return responder?.answered ?? 0;
    },
    isShuttingDown: () => shuttingDown,
    async beginShutdown() {
      shuttingDown = true;
      await Promise.allSettled([responder?.stop(), invalidation?.stop()]);
    },
    async close() {
      shuttingDown = true;
      await Promise.allSettled([responder?.stop(), invalidation?.stop()]);
      await infra.close();
    },
  };
}
