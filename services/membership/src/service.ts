import { createServer } from 'node:http';
import type { Express } from 'express';
import { closeServer, createMetrics, runSteps, type Consumer, type Logger, type Metrics, type RunningService } from '@chorus/runtime';
import type { MembershipConfig } from './config.js';
import { connectInfrastructure, type Infrastructure } from './infrastructure.js';
import { createApp } from './app.js';
import { createAuthorizer } from './authz/authorizer.js';
import { startAuthzResponder } from './authz/authz-responder.js';
import { startCacheInvalidation } from './authz/cache-invalidation.js';
import { createDmDirectory } from './authz/dm-directory.js';
import { startDmActivityConsumer } from './dms/dm-activity.consumer.js';
import { createDmService } from './dms/dm.service.js';
import { createUserRepository } from './users/user.repository.js';

/** The whole service minus the process: connections, the HTTP app, and the consumers once ready. */
export interface MembershipService extends RunningService {
  app: Express;
  infra: Infrastructure;
  /** This replica's Prometheus registry, served at GET /metrics. */
  metrics: Metrics;
}

/**
 * Connects membership's dependencies (each reconnects by itself) and wires the HTTP app. Returns at
 * once; the consumers (authorization RPC, cache invalidation) start once MongoDB, Redis and the broker
 * are up, and `ready` resolves when they are attached.
 */
export function createMembershipService(config: MembershipConfig, logger: Logger): MembershipService {
  const infra = connectInfrastructure(config, logger);
  const metrics = createMetrics('membership');
  let shuttingDown = false;
  let consumers: Consumer[] = [];
  const consuming = () => consumers.length > 0 && consumers.every((c) => c.isUp());

  const app = createApp(
    {
      logger,
      models: infra.models,
      redis: infra.redis,
      events: infra.events,
      channelCache: infra.channelCache,
      metrics,
      // Ready also means this replica answers authorization requests.
      readiness: () => ({ ...infra.readiness(), consumers: consuming() }),
      isShuttingDown: () => shuttingDown,
    },
    config,
  );
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;

  const ready = infra.ready.then(async () => {
    if (shuttingDown) return;
    const { broker: connection, names } = infra;
    consumers = [
      startAuthzResponder({
        connection,
        names,
        authorize: createAuthorizer(infra.models, infra.channelCache, createDmDirectory(infra.models, config.CHANNEL_CACHE_MAX_ENTRIES)),
        logger,
        prefetch: config.AUTHZ_PREFETCH,
        metrics,
      }),
      startCacheInvalidation({ connection, names, instanceId: config.INSTANCE_ID, cache: infra.channelCache, logger }),
      startDmActivityConsumer({
        connection,
        names,
        dms: createDmService({ models: infra.models, users: createUserRepository(infra.models) }),
        redis: infra.redis,
        redisPrefix: config.REDIS_PREFIX,
        logger,
      }),
    ];
    await Promise.all(consumers.map((c) => c.ready));
    infra.outbox.startRelay();
  });

  let stopping: Promise<void> | undefined;
  return {
    app,
    server,
    infra,
    metrics,
    ready,
    stop: () =>
      (stopping ??= runSteps(logger, [
        { name: 'not ready', run: () => (shuttingDown = true) },
        // Another replica answers authorization from now on; the answers in hand are still sent.
        { name: 'cancel consumers', run: () => Promise.all(consumers.map((c) => c.cancel())) },
        { name: 'stop accepting and drain http', run: () => closeServer(server) },
        { name: 'finish consumers', run: () => Promise.all(consumers.map((c) => c.close())) },
        { name: 'close connections', run: () => infra.close() },
      ])),
  };
}
