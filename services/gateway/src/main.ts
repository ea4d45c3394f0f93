import { HISTORY_BINDINGS, declareWorkQueue, topologyNames } from '@chorus/contracts';
import {
  connectBroker,
  createAuthzClient,
  createEventPublisher,
  createLogger,
  createMetrics,
  createTokenVerifier,
  exitOnFatal,
  installShutdown,
  loadConfigOrExit,
  runSteps,
} from '@chorus/runtime';
import { createGateway } from './app.js';
import { withBackPressure } from './broker/back-pressure.js';
import { loadConfig } from './config.js';
import { createRedisClients } from './redis.js';

const config = loadConfigOrExit('gateway', () => loadConfig());
const logger = createLogger('gateway', config.LOG_LEVEL).child({ gatewayId: config.GATEWAY_ID });
exitOnFatal(logger);

const names = topologyNames(config.AMQP_PREFIX);
const { redis, sub } = createRedisClients(config.REDIS_URL, logger, `chorus-gateway:${config.GATEWAY_ID}`);
const broker = connectBroker(config.AMQP_URL, logger, `chorus-gateway:${config.GATEWAY_ID}`);
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
const verifyToken = createTokenVerifier({ publicKey: config.JWT_PUBLIC_KEY, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });

const metrics = createMetrics('gateway');
const gateway = createGateway({ logger, redis, redisSub: sub, broker, publisher, authz, verifyToken, metrics }, config);

installShutdown(
  logger,
  () =>
    runSteps(logger, [
      { name: 'stop accepting', run: () => gateway.stopAccepting() },
      { name: 'drain sends', run: () => gateway.drain(Math.max(500, config.SHUTDOWN_TIMEOUT_MS - 2_500)) },
      { name: 'disconnect clients', run: () => gateway.close() },
      { name: 'close broker', run: async () => Promise.allSettled([authz.close(), publisher.close()]).then(() => broker.close()) },
      { name: 'close redis', run: () => Promise.allSettled([redis.quit(), sub.quit()]) },
    ]),
  config.SHUTDOWN_TIMEOUT_MS,
);

const port = await gateway.start(config.PORT);
logger.info({ port }, 'http bound; waiting for Redis and the broker');
while (!gateway.isReady()) await new Promise((resolve) => setTimeout(resolve, 20));
logger.info({ port }, 'listening');
