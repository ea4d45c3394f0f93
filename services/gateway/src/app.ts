import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { GATEWAY_BROADCAST_BINDINGS, LIMITS, declareGatewayMembershipQueue, declareWorkQueue, topologyNames } from '@chorus/contracts';
import type { AmqpConnectionManager, AuthzClient, EventPublisher, Logger, Metrics, TokenVerifier } from '@chorus/runtime';
import { authenticate } from './auth/handshake.js';
import { createEnvelopeConsumer, type EnvelopeConsumer } from './broker/consumer.js';
import { broadcastHistoryEvent } from './broadcast/broadcast.js';
import { encodeMessageCreated } from './broadcast/message-created.js';
import { createAuthorizer } from './channels/authorize.js';
import { registerChannelHandlers } from './channels/handlers.js';
import type { GatewayConfig } from './config.js';
import { createHealthApp } from './health/http.js';
import { applyMembershipEvent } from './membership/apply.js';
import { resyncMembership } from './membership/resync.js';
import { createRoomsAdapter, roomsChannelPrefix } from './redis.js';
import { createAdmission } from './send/admission.js';
import { createInFlight } from './send/inflight.js';
import { createFlushTimers, createSendMessage } from './send/send-message.js';
import { splitArgs } from './socket/ack.js';
import { installGuard } from './socket/guard.js';
import { createLocalSockets } from './socket/registry.js';
import { registerTypingHandler } from './typing/typing.js';
import { userRoom, type GatewayServer } from './types.js';

export interface GatewayDeps {
  logger: Logger;
  /** Command client (admission, typing, adapter publishes). */
  redis: Redis;
  /** The adapter's subscriber (`redis.duplicate()`). */
  redisSub: Redis;
  broker: AmqpConnectionManager;
  publisher: EventPublisher;
  authz: AuthzClient;
  verifyToken: TokenVerifier;
  /** Served at GET /metrics, with the gateway's own series added (main.ts passes one; tests may not). */
  metrics?: Metrics;
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
  /** Starts the broker consumers and listens; resolves with the bound port. */
  start(port: number, host?: string): Promise<number>;
  /** True when Redis, the broker and the consumers are up and the gateway is not shutting down. */
  isReady(): boolean;
  /** Shutdown, step 1: not ready, refuse new connections and new sends; stop taking broadcasts. */
  stopAccepting(): Promise<void>;
  /** Shutdown, step 2: let in-flight sends finish; false when some were still running after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Shutdown, step 3: disconnect every client (they reconnect elsewhere) and stop the consumers. */
  close(): Promise<void>;
}

/** Builds the gateway: HTTP server + Socket.IO over the Redis adapter + handlers. No I/O until `start`. */
export function createGateway(deps: GatewayDeps, config: GatewaySettings): Gateway {
  const { logger, redis, redisSub, broker, publisher, authz, metrics } = deps;
  const names = topologyNames(config.AMQP_PREFIX);
  let accepting = true;
  let consumers: EnvelopeConsumer[] = [];
  let broadcastConsumer: EnvelopeConsumer | undefined;

  const readiness = () => ({
    redis: redis.status === 'ready',
    redisSubscriber: redisSub.status === 'ready',
    broker: broker.isConnected(),
    consumers: consumers.length > 0 && consumers.every((c) => c.isUp()),
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
  const authorizer = createAuthorizer(authz);
  const inFlight = createInFlight();
  const channelPrefix = roomsChannelPrefix(config.REDIS_PREFIX);
  const holdMs = 7_000;
  const admission = createAdmission({
    redis,
    prefix: config.REDIS_PREFIX,
    channelPrefix,
    limit: config.SEND_RATE_LIMIT,
    windowMs: config.SEND_RATE_WINDOW_MS,
    pendingTtlMs: config.NONCE_PENDING_TTL_MS,
    holdMs,
    logger,
  });
  // Past the hold (plus a second: ids carry whole seconds), a parked channel is flushed by this gateway.
  const flushTimers = createFlushTimers((channelId) => admission.flush(channelId), holdMs + 1_000, logger);
  const sendOutcomes = metrics?.counter('chorus_gateway_sends_total', 'message:send outcomes after admission', ['outcome']);
  const sendMessage = createSendMessage({
    authorize: authorizer.authorize,
    admission,
    publisher,
    encodeBroadcast: (message) => encodeMessageCreated(channelPrefix, message).payload,
    parked: (channelId) => flushTimers.arm(channelId),
    inFlight,
    accepting: () => accepting,
    logger,
    ...(sendOutcomes ? { count: (outcome) => sendOutcomes.inc({ outcome }) } : {}),
  });

  const sendSeconds = metrics?.histogram('chorus_gateway_send_seconds', 'message:send from receipt to ack, by result', ['result']);
  metrics?.gauge('chorus_gateway_sockets', 'Sockets connected to this gateway', () => io.engine.clientsCount);
  metrics?.gauge('chorus_gateway_sends_in_flight', 'Sends between receipt and ack', () => inFlight.size);
  metrics?.gauge('chorus_gateway_publish_in_flight', 'Published messages waiting for the broker confirm', () => publisher.inFlight);

  io.use(authenticate(deps.verifyToken, logger));
  io.on('connection', (socket) => {
    sockets.add(socket);
    void socket.join(userRoom(socket.data.user.id));
    socket.on('disconnect', () => sockets.remove(socket));
    installGuard(socket, { ratePerSecond: config.SOCKET_EVENT_RATE, burst: config.SOCKET_EVENT_BURST, logger });
    registerChannelHandlers(socket, { authorizer, logger, maxJoinedChannels: config.MAX_JOINED_CHANNELS });
    registerTypingHandler(socket, { redis, prefix: config.REDIS_PREFIX, throttleMs: config.TYPING_THROTTLE_MS, logger });
    socket.on('message:send', async (...args: unknown[]) => {
      const { payload, ack } = splitArgs(args);
      // A send reports its outcome (and its message id) only through its ack: without one it is refused.
      if (!ack) return;
      const end = sendSeconds?.startTimer();
      const result = await sendMessage(socket.data.user, payload);
      end?.({ result: result.ok ? (result.duplicate ? 'duplicate' : 'ok') : result.error.code });
      ack(result);
    });
  });

  const startConsumers = () => {
    const membershipDeps = { authz, authorizer, sockets, logger };
    const membershipConsumer = createEnvelopeConsumer({
      connection: broker,
      name: 'membership-consumer',
      logger,
      queue: names.gatewayMembershipQueue(config.GATEWAY_ID),
      prefetch: 100,
      declare: (ch) => declareGatewayMembershipQueue(ch, names, config.GATEWAY_ID),
      handle: (envelope) => applyMembershipEvent(envelope, membershipDeps),
      onReconnect: () => {
        resyncMembership(membershipDeps).catch((err: unknown) => logger.error({ err }, 'membership resync failed'));
      },
    });
    broadcastConsumer = createEnvelopeConsumer({
      connection: broker,
      name: 'broadcast-consumer',
      logger,
      queue: names.gatewayBroadcastQueue,
      prefetch: 100,
      declare: (ch) => declareWorkQueue(ch, names, names.gatewayBroadcastQueue, GATEWAY_BROADCAST_BINDINGS),
      handle: (envelope) => broadcastHistoryEvent(io, envelope, logger),
    });
    consumers = [membershipConsumer, broadcastConsumer];
  };

  return {
    io,
    httpServer,
    async start(port, host) {
      startConsumers();
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      return (httpServer.address() as AddressInfo).port;
    },
    isReady: () => accepting && Object.values(readiness()).every(Boolean),
    async stopAccepting() {
      accepting = false;
      // Another gateway takes the history broadcasts from now on (unacked ones are redelivered to it).
      await broadcastConsumer?.cancel();
    },
    async drain(timeoutMs) {
      const done = await inFlight.drain(timeoutMs);
      if (!done) logger.warn({ inFlight: inFlight.size }, 'sends still in flight at shutdown deadline');
      return done;
    },
    async close() {
      accepting = false;
      flushTimers.clear();
      // Close each connection's transport once its write buffer is flushed (acks of the sends that just
      // finished are still queued there; io.close() alone would discard them). No disconnect packet is
      // sent, so socket.io-client sees "transport close" and reconnects, to another gateway.
      const flushed = [...io.of('/').sockets.values()].map(
        (socket) =>
          new Promise<void>((resolve) => {
            socket.conn.once('close', () => resolve());
            socket.conn.close();
          }),
      );
      await Promise.race([Promise.all(flushed), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      // Then the rest (handshakes in progress), the adapter's subscriptions and the HTTP server.
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      await Promise.all(consumers.map((c) => c.close()));
    },
  };
}
