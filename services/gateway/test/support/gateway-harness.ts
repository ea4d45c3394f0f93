import { HISTORY_BINDINGS, declareWorkQueue, topologyNames } from '@chorus/contracts';
import {
  connectBroker,
  createAuthzClient,
  createEventPublisher,
  createLogger,
  createTokenVerifier,
  type AmqpConnectionManager,
  type AuthzClient,
  type EventPublisher,
} from '@chorus/runtime';
import { io as connect, type Socket as ClientSocket, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@chorus/contracts';
import { createGateway, type Gateway, type GatewaySettings } from '../../src/app.js';
import { withBackPressure } from '../../src/broker/back-pressure.js';
import { createRedisClients, type RedisClients } from '../../src/redis.js';
import type { Isolated } from '../../../../test/support/isolated.js';
import { waitFor } from '../../../../test/support/wait.js';

export type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

export interface RunningGateway {
  id: string;
  url: string;
  port: number;
  gateway: Gateway;
  redis: RedisClients;
  broker: AmqpConnectionManager;
  publisher: EventPublisher;
  authz: AuthzClient;
  stop(): Promise<void>;
}

/** An in-process gateway on port 0 with its own Redis and broker connections, as main.ts wires it. */
export async function startGateway(
  iso: Isolated,
  id: string,
  overrides: Partial<GatewaySettings> = {},
  urls: { redisUrl?: string; amqpUrl?: string } = {},
): Promise<RunningGateway> {
  const logger = createLogger(`gateway-${id}`, process.env.TEST_LOG_LEVEL ?? 'silent');
  const names = topologyNames(iso.amqpPrefix);
  const settings: GatewaySettings = {
    GATEWAY_ID: `${iso.amqpPrefix}-${id}`,
    AMQP_PREFIX: iso.amqpPrefix,
    REDIS_PREFIX: iso.redisPrefix,
    SEND_RATE_LIMIT: 10,
    SEND_RATE_WINDOW_MS: 10_000,
    NONCE_PENDING_TTL_MS: 15_000,
    TYPING_THROTTLE_MS: 2_000,
    SOCKET_EVENT_RATE: 20,
    SOCKET_EVENT_BURST: 60,
    MAX_JOINED_CHANNELS: 500,
    ...overrides,
  };
  const redis = createRedisClients(urls.redisUrl ?? iso.redisUrl, logger, `test-${id}`);
  const broker = connectBroker(urls.amqpUrl ?? iso.amqpUrl, logger, `test-gateway-${id}`);
  const publisher = withBackPressure(
    createEventPublisher({
      connection: broker,
      names,
      logger,
      setup: (ch) => declareWorkQueue(ch, names, names.historyQueue, HISTORY_BINDINGS),
    }),
    broker,
  );
  const authz = createAuthzClient({ connection: broker, names, logger });
  const verifyToken = createTokenVerifier({ publicKey: iso.keys.publicKey, issuer: 'chorus-membership', audience: 'chorus' });
  const gateway = createGateway({ logger, redis: redis.redis, redisSub: redis.sub, broker, publisher, authz, verifyToken }, settings);
  const port = await gateway.start(0, '127.0.0.1');
  await waitFor(() => gateway.isReady(), `gateway ${id} ready`);
  let stopped = false;
  return {
    id: settings.GATEWAY_ID,
    url: `http://127.0.0.1:${port}`,
    port,
    gateway,
    redis,
    broker,
    publisher,
    authz,
    async stop() {
      if (stopped) return;
      stopped = true;
      await gateway.stopAccepting();
      await gateway.drain(2_000);
      await gateway.close();
      await Promise.allSettled([authz.close(), publisher.close()]);
      await broker.close();
      await Promise.allSettled([redis.redis.quit(), redis.sub.quit()]);
    },
  };
}

const clients = new Set<Client>();

/** A socket.io-client user (websocket only: no sticky sessions needed). Resolves once connected. */
export async function connectClient(url: string, token: string, opts: Partial<ManagerOptions & SocketOptions> = {}): Promise<Client> {
  const socket: Client = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
  clients.add(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return socket;
}

/** The `connect_error` a refused handshake produces. */
export function connectError(url: string, auth: Record<string, unknown> | undefined): Promise<Error> {
  const socket: Client = connect(url, { ...(auth ? { auth } : {}), transports: ['websocket'], reconnection: false, forceNew: true });
  clients.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected, but should have been refused')));
    socket.once('connect_error', (err) => resolve(err));
  });
}

export function closeClients(): void {
  for (const c of clients) c.disconnect();
  clients.clear();
}

/** Everything a client receives of one event, in order. */
export function record<E extends keyof ServerToClientEvents>(socket: Client, event: E): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => seen.push(payload)) as never);
  return seen;
}

/** Emits with an ack and resolves with the ack (times out after 10 s with a clear error). */
export function request(socket: Client, event: string, ...args: unknown[]): Promise<unknown> {
  return (socket.timeout(10_000) as unknown as { emitWithAck(ev: string, ...a: unknown[]): Promise<unknown> }).emitWithAck(event, ...args);
}
