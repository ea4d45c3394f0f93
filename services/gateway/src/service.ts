import { HISTORY_BINDINGS, declareWorkQueue } from '@chorus/contracts';
import {
  brokerNames,
  connectBroker,
  createAuthzClient,
  createEventPublisher,
  createMetrics,
  createTokenVerifier,
  runSteps,
  type AmqpConnectionManager,
  type AuthzClient,
  type EventPublisher,
  type Logger,
  type RunningService,
} from '@chorus/runtime';
import { createGateway, type Gateway } from './app.js';
import { withBackPressure } from './broker/back-pressure.js';
import { startGatewayConsumers, type GatewayConsumers } from './broker/consumers.js';
import { createAuthorizer } from './channels/authorize.js';
import type { GatewayConfig } from './config.js';
import { startPresence } from './presence/lease.js';
import type { PresenceStore } from './presence/presence-store.js';
import { createRedisClients, redisReady, type RedisClients } from './redis.js';

export interface GatewayService extends RunningService {
  gateway: Gateway;
  redis: RedisClients;
  broker: AmqpConnectionManager;
  publisher: EventPublisher;
  authz: AuthzClient;
  consumers: GatewayConsumers;
  presence: PresenceStore;
}

/**
 * Connects the gateway's dependencies and wires them: Redis (commands + the adapter's subscriber), the
 * broker (publisher with back-pressure, authorization client, the two consumers) and the transport.
 * Returns at once; `ready` resolves once Redis is up and both consumers are attached.
 */
export function createGatewayService(config: GatewayConfig, logger: Logger): GatewayService {
  const names = brokerNames(config);
  const connectionName = `chorus-gateway:${config.GATEWAY_ID}`;
  const redis = createRedisClients({ url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES }, logger, connectionName);
  const broker = connectBroker(config.AMQP_URL, logger, connectionName);
  const publisher = withBackPressure(
    createEventPublisher({
      connection: broker,
      names,
      logger,
      maxInFlight: config.PUBLISH_MAX_IN_FLIGHT,
      // Declare history's durable queue too: a message confirmed before history ever started is kept, not dropped unrouted.
      setup: (ch) => declareWorkQueue(ch, names, names.historyQueue, HISTORY_BINDINGS),
    }),
    broker,
  );
  const authz = createAuthzClient({ connection: broker, names, logger, cacheTtlMs: config.AUTHZ_CACHE_TTL_MS });
  const authorizer = createAuthorizer(authz);
  const verifyToken = createTokenVerifier({ publicKey: config.JWT_PUBLIC_KEY, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });

  const { store: presence, ready: presenceReset, stop: stopPresence } = startPresence(redis.redis, config, logger);

  const gateway = createGateway(
    {
      logger,
      redis: redis.redis,
      redisSub: redis.sub,
      broker,
      publisher,
      authorizer,
      authz,
      presence,
      presenceReady: presenceReset,
      verifyToken,
      // Asked only once requests arrive, after the consumers below exist.
      consumersUp: () => consumers.membership.isUp() && consumers.broadcast.isUp(),
      metrics: createMetrics('gateway'),
    },
    config,
  );
  const consumers = startGatewayConsumers({
    broker,
    io: gateway.io,
    names,
    gatewayId: config.GATEWAY_ID,
    authz,
    authorizer,
    sockets: gateway.sockets,
    logger,
    presence,
  });
  const ready = Promise.all([
    redisReady(redis.redis),
    redisReady(redis.sub),
    consumers.membership.ready,
    consumers.broadcast.ready,
    presenceReset,
  ]).then(() => undefined);

  let stopping: Promise<void> | undefined;
  return {
    server: gateway.httpServer,
    gateway,
    redis,
    broker,
    publisher,
    authz,
    consumers,
    presence,
    ready,
    stop: () =>
      (stopping ??= runSteps(logger, [
        { name: 'stop accepting', run: () => gateway.stopAccepting() },
        // Another gateway takes the history broadcasts from now on (unacked ones are redelivered to it).
        { name: 'hand broadcasts to the fleet', run: () => consumers.broadcast.cancel() },
        { name: 'drain sends', run: () => gateway.drain(Math.max(500, config.SHUTDOWN_TIMEOUT_MS - 2_500)) },
        { name: 'disconnect clients', run: () => gateway.close() },
        // Whatever a disconnect did not clear (Redis was down), and this gateway's lease: users are offline at once.
        { name: 'clear presence', run: stopPresence },
        { name: 'close the consumers', run: () => Promise.allSettled([consumers.membership.close(), consumers.broadcast.close()]) },
        { name: 'close broker', run: () => Promise.allSettled([authz.close(), publisher.close()]).then(() => broker.close()) },
        { name: 'close redis', run: () => Promise.allSettled([redis.redis.quit(), redis.sub.quit()]) },
      ])),
  };
}
