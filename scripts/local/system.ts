import type { Server } from 'node:http';
import { createEdgeProxy } from './edge-proxy.js';
import { spawnService, type ServiceProcess } from './processes.js';
import { staticClient } from './web-client.js';

/** Everything the whole system needs from outside: dependencies, keys, ports, prefixes. */
export interface SystemOptions {
  mongoUri: string;
  redisUrl: string;
  amqpUrl: string;
  keys: { privateKey: string; publicKey: string };
  ports: { edge: number; membership: number; history: number; gateways: number[] };
  amqpPrefix?: string;
  redisPrefix?: string;
  logLevel?: string;
  from?: 'source' | 'dist';
  /** Folder for one log file per process; none keeps logs in memory only. */
  logDir?: string;
  /** Extra environment for every service (e.g. ARGON2 cost in tests, SEND_RATE_LIMIT in the benchmark). */
  extraEnv?: Record<string, string>;
  onProgress?: (line: string) => void;
  /** Folder of the built web client served at `/` by the entry point (apps/web/dist). */
  webDir?: string;
}

export interface RunningSystem {
  edgeUrl: string;
  membership: ServiceProcess;
  history: ServiceProcess;
  gateways: ServiceProcess[];
  /** Starts gateway `index` again (after it was killed), on its port and with its id. */
  restartGateway(index: number): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * What `npm start` hands every service: the caller's whole environment, so any setting a README
 * documents (`REGISTRATIONS_PER_IP=100 npm start`) reaches the services that read it. Per-service
 * values (PORT, MONGODB_URI, JWT keys, GATEWAY_ID) are set after it and win.
 */
export function callerEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Services never share a database: each gets its own, named after the one in the URI. */
export function databaseFor(uri: string, service: string): string {
  const url = new URL(uri);
  const base = url.pathname.replace(/^\//, '') || 'chorus';
  url.pathname = `/${base}_${service}`;
  return url.toString();
}

/** The GATEWAY_ID of the `index`-th gateway (the edge routes by it: engine.io session ids start with it). */
const gatewayId = (index: number) => `gw${index + 1}`;

/** The entry proxy in front of the started processes (and the built web client when `webDir` is set), listening. */
async function listenEdge(
  o: SystemOptions,
  membership: ServiceProcess,
  history: ServiceProcess,
  gateways: ServiceProcess[],
): Promise<Server> {
  const edge: Server = createEdgeProxy({
    membership: membership.url,
    history: history.url,
    gateways: Object.fromEntries(gateways.map((g, i) => [gatewayId(i), g.url])),
    // Read at each upgrade: restartGateway replaces the process in `gateways`.
    gatewayProcess: (id) => gateways.find((_g, i) => gatewayId(i) === id)?.child,
    ...(o.webDir ? { web: staticClient(o.webDir) } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    edge.once('error', reject);
    edge.listen(o.ports.edge, '0.0.0.0', () => resolve());
  });
  return edge;
}

/** Starts membership, history, the gateways and the edge proxy, in that order, each once ready. */
export async function startSystem(o: SystemOptions): Promise<RunningSystem> {
  const progress = o.onProgress ?? (() => {});
  const from = o.from ?? 'source';
  const common = {
    REDIS_URL: o.redisUrl,
    AMQP_URL: o.amqpUrl,
    AMQP_PREFIX: o.amqpPrefix ?? 'chorus',
    REDIS_PREFIX: o.redisPrefix ?? 'chorus:',
    LOG_LEVEL: o.logLevel ?? 'info',
    ...o.extraEnv,
  };
  const logFile = (name: string) => (o.logDir ? `${o.logDir}/${name}.log` : undefined);
  const started: ServiceProcess[] = [];
  const spawnTracked = async (...args: Parameters<typeof spawnService>) => {
    const proc = await spawnService(...args);
    started.push(proc);
    progress(`${proc.name} ready on ${proc.url}`);
    return proc;
  };

  try {
    progress('migrating the membership and history databases, then starting both');
    const [membership, history] = await Promise.all([
      spawnTracked({
        name: 'membership',
        service: 'membership',
        port: o.ports.membership,
        from,
        logFile: logFile('membership'),
        env: { ...common, MONGODB_URI: databaseFor(o.mongoUri, 'membership'), JWT_PRIVATE_KEY: o.keys.privateKey },
      }),
      spawnTracked({
        name: 'history',
        service: 'history',
        port: o.ports.history,
        from,
        logFile: logFile('history'),
        env: { ...common, MONGODB_URI: databaseFor(o.mongoUri, 'history'), JWT_PUBLIC_KEY: o.keys.publicKey },
      }),
    ]);

    const gatewayOptions = (index: number) => ({
      name: `gateway-${index + 1}`,
      service: 'gateway' as const,
      port: o.ports.gateways[index]!,
      from,
      logFile: logFile(`gateway-${index + 1}`),
      env: { ...common, JWT_PUBLIC_KEY: o.keys.publicKey, GATEWAY_ID: gatewayId(index) },
      // The edge hands WebSocket clients' sockets to the gateway over this channel (handoff.ts).
      ipc: true,
    });
    progress(`starting ${o.ports.gateways.length} gateways`);
    const gateways = await Promise.all(o.ports.gateways.map((_p, i) => spawnTracked(gatewayOptions(i))));

    const edge = await listenEdge(o, membership, history, gateways);
    const edgeUrl = `http://127.0.0.1:${o.ports.edge}`;
    progress(`entry point ready on ${edgeUrl}`);

    return {
      edgeUrl,
      membership,
      history,
      gateways,
      async restartGateway(index) {
        const proc = await spawnTracked(gatewayOptions(index));
        gateways[index] = proc;
        return proc;
      },
      async stop() {
        edge.closeAllConnections();
        await new Promise<void>((r) => edge.close(() => r()));
        // Gateways first (they drain in-flight sends into the broker), then the services behind them.
        await Promise.all(gateways.map((g) => g.stop()));
        await Promise.all([membership.stop(), history.stop()]);
      },
    };
  } catch (err) {
    await Promise.all(started.map((p) => p.stop('SIGTERM', 2_000)));
    throw err;
  }
}
