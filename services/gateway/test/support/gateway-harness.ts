import { createLogger, listen, type AmqpConnectionManager, type AuthzClient, type EventPublisher } from '@chorus/runtime';
import { io as connect, type Socket as ClientSocket, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@chorus/contracts';
import type { Gateway, GatewaySettings } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { RedisClients } from '../../src/redis.js';
import { createGatewayService } from '../../src/service.js';
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

/** An in-process gateway on port 0, wired by the same `service.ts` main.ts uses. */
export async function startGateway(
  iso: Isolated,
  id: string,
  overrides: Partial<GatewaySettings> = {},
  urls: { redisUrl?: string; amqpUrl?: string } = {},
): Promise<RunningGateway> {
  const logger = createLogger(`gateway-${id}`, process.env.TEST_LOG_LEVEL ?? 'silent');
  const config = {
    ...loadConfig({
      JWT_PUBLIC_KEY: iso.keys.publicKey,
      JWT_ISSUER: 'chorus-membership',
      JWT_AUDIENCE: 'chorus',
      REDIS_URL: urls.redisUrl ?? iso.redisUrl,
      // A proxied REDIS_URL (outage tests) is one node; otherwise the run's Redis, a Cluster under test:cluster.
      ...(urls.redisUrl || !iso.redisClusterNodes ? {} : { REDIS_CLUSTER_NODES: iso.redisClusterNodes }),
      AMQP_URL: urls.amqpUrl ?? iso.amqpUrl,
      SHUTDOWN_TIMEOUT_MS: '4500',
    }),
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
  const service = createGatewayService(config, logger);
  const port = await listen(service.server, 0, '127.0.0.1');
  await service.ready;
  await waitFor(() => service.gateway.isReady(), `gateway ${id} ready`);
  return {
    id: config.GATEWAY_ID,
    url: `http://127.0.0.1:${port}`,
    port,
    gateway: service.gateway,
    redis: service.redis,
    broker: service.broker,
    publisher: service.publisher,
    authz: service.authz,
    stop: () => service.stop(),
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
