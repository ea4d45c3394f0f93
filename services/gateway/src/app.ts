import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { LIMITS } from '@chorus/contracts';
import type { AmqpConnectionManager, AuthzClient, EventPublisher, Logger, Metrics, TokenVerifier, RedisClient } from '@chorus/runtime';
import { authenticate } from './auth/handshake.js';
import type { Authorizer } from './channels/authorize.js';
import { registerChannelHandlers } from './channels/handlers.js';
import type { GatewayConfig } from './config.js';
import { createHealthApp } from './health/http.js';
import { loadUser, trackPresence } from './presence/connection.js';
import { registerPresenceHandlers } from './presence/handlers.js';
import type { PresenceStore } from './presence/presence-store.js';
import { createRoomsAdapter, roomsChannelPrefix } from './redis.js';
import { createInFlight } from './send/inflight.js';
import { createSendPath } from './send/send-path.js';
import { disconnectAll } from './socket/disconnect.js';
import { installGuard } from './socket/guard.js';
import { createLocalSockets, type LocalSockets } from './socket/registry.js';
import { registerTypingHandler } from './typing/typing.js';
import { userRoom, type GatewayServer } from './types.js';

export interface GatewayDeps {
  logger: Logger;
  /** Command client (admission, typing, adapter publishes). */
  redis: RedisClient;
  /** The adapter's subscriber (`redis.duplicate()`). */
  redisSub: RedisClient;
  broker: AmqpConnectionManager;
  publisher: EventPublisher;
  /** Membership answers (cached) with the epoch joins compare against. */
  authorizer: Authorizer;
  /** Asked once per connection who the user is (profile and servers, SPEC 10–11). */
  authz: AuthzClient;
  /** Where this gateway's users' presence is kept (SPEC 11). */
  presence: PresenceStore;
  /** Connections wait for this (the start-up presence reset) before their presence is recorded. */
  presenceReady?: Promise<void>;
  verifyToken: TokenVerifier;
  /** True while the broker consumers are attached (part of readiness). */
  consumersUp(): boolean;
  /** Served at GET /metrics, with the gateway's own series added. */
  metrics?: Metrics | undefined;
}

export type GatewaySettings = Pick<
  GatewayConfig,
  | 'GATEWAY_ID'
  | 'AMQP_PREFIX'
  | 'REDIS_PREFIX'
  | 'SEND_RATE_LIMIT'
  | 'SEND_RATE_WINDOW_MS'
  | 'NONCE_PENDING_TTL_MS'
  | 'TYPING_THROTTLE_MS'
  | 'SOCKET_EVENT_RATE'
  | 'SOCKET_EVENT_BURST'
  | 'MAX_JOINED_CHANNELS'
>;

export interface Gateway {
  readonly io: GatewayServer;
  readonly httpServer: HttpServer;
  /** This gateway's connected sockets, by user (membership changes act on them). */
  readonly sockets: LocalSockets;
  /** True when Redis, the broker and the consumers are up and the gateway is not shutting down. */
  isReady(): boolean;
  /** Shutdown, step 1: not ready, refuse new connections and new sends. */
  stopAccepting(): void;
  /** Shutdown, step 2: let in-flight sends finish; false when some were still running after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Shutdown, step 3: disconnect every client (they reconnect elsewhere) and close Socket.IO and HTTP. */
  close(): Promise<void>;
}

/** The gateway's transport: HTTP (probes, metrics) + Socket.IO over the Redis adapter + the socket handlers. No I/O here. */
export function createGateway(deps: GatewayDeps, config: GatewaySettings): Gateway {
  const { logger, redis, redisSub, broker, publisher, authorizer, presence, metrics } = deps;
  let accepting = true;

  const readiness = () => ({
    redis: redis.status === 'ready',
    redisSubscriber: redisSub.status === 'ready',
    broker: broker.isConnected(),
    consumers: deps.consumersUp(),
  });
  const httpServer = createServer(createHealthApp(logger, readiness, () => !accepting, metrics));
  const io: GatewayServer = new Server(httpServer, {
    adapter: createRoomsAdapter({ redis, sub: redisSub }, config.REDIS_PREFIX),
    transports: ['polling', 'websocket'],
    maxHttpBufferSize: LIMITS.maxSocketFrameBytes,
    serveClient: false,
    connectTimeout: 10_000,
    allowRequest: (_req, callback) => callback(accepting ? null : 'shutting down', accepting),
  });
  // Session ids name their gateway, so the entry proxy can route long-polling back to it without cookies.
  io.engine.generateId = () => `${config.GATEWAY_ID}.${randomBytes(15).toString('base64url')}`;

  const sockets = createLocalSockets(io);
  const inFlight = createInFlight();
  const channelPrefix = roomsChannelPrefix(config.REDIS_PREFIX);
  const sendPath = createSendPath(
    { redis, publisher, authorizer, inFlight, accepting: () => accepting, logger, metrics },
    { ...config, channelPrefix },
  );

  metrics?.gauge('chorus_gateway_sockets', 'Sockets connected to this gateway', () => io.engine.clientsCount);
  metrics?.gauge('chorus_gateway_sends_in_flight', 'Sends between receipt and ack', () => inFlight.size);
  metrics?.gauge('chorus_gateway_publish_in_flight', 'Published messages waiting for the broker confirm', () => publisher.inFlight);

  io.use(authenticate(deps.verifyToken, logger));
  io.use(loadUser(deps.authz, logger));
  const presenceReady = deps.presenceReady;
  if (presenceReady) io.use((_socket, next) => void presenceReady.then(() => next()));
  io.on('connection', (socket) => {
    sockets.add(socket);
    // The one user room (SPEC 10's DMs and presence, SPEC 13's read state).
    void socket.join(userRoom(socket.data.user.id));
    socket.on('disconnect', () => sockets.remove(socket));
    trackPresence(socket, presence, logger);
    installGuard(socket, { ratePerSecond: config.SOCKET_EVENT_RATE, burst: config.SOCKET_EVENT_BURST, logger });
    registerPresenceHandlers(socket, { store: presence, logger });
    registerChannelHandlers(socket, { authorizer, logger, maxJoinedChannels: config.MAX_JOINED_CHANNELS });
    registerTypingHandler(socket, {
      redis,
      prefix: config.REDIS_PREFIX,
      throttleMs: config.TYPING_THROTTLE_MS,
      authorize: authorizer.authorize,
      logger,
    });
    sendPath.register(socket);
  });

  return {
    io,
    httpServer,
    sockets,
    isReady: () => accepting && Object.values(readiness()).every(Boolean),
    stopAccepting() {
      accepting = false;
    },
    async drain(timeoutMs) {
      const done = await inFlight.drain(timeoutMs);
      if (!done) logger.warn({ inFlight: inFlight.size }, 'sends still in flight at shutdown deadline');
      return done;
    },
    async close() {
      accepting = false;
      sendPath.stop();
      await disconnectAll(io);
    },
  };
}
