// The fleet under test: membership, history and two gateways as real processes (as `npm start` runs
// them), on the suite's private dependencies, each of which can be SIGKILLed and started again.
import { databaseFor } from '../../scripts/local/system.js';
import { freePort, spawnService, type LaunchOptions, type ServiceProcess } from '../../scripts/local/processes.js';
import { testKeys } from '../support/isolated.js';
import { FAST_ACCOUNTS } from '../support/tuning.js';

export type FleetMember = 'membership' | 'history' | 'gateway-1' | 'gateway-2';

export interface Fleet {
  url(member: FleetMember): string;
  gatewayUrls: string[];
  /** SIGKILL, then start it again on its port with its environment; resolves once it is ready. */
  killAndRestart(member: FleetMember, onKilled?: () => void): Promise<void>;
  /** The members whose `/readyz` answers 200 right now. */
  ready(): Promise<FleetMember[]>;
  stop(): Promise<void>;
}

export interface FleetOptions {
  mongoUri: string;
  redisUrl: string;
  amqpUrl: string;
  logDir: string;
  extraEnv?: Record<string, string>;
}

const MEMBERS: FleetMember[] = ['membership', 'history', 'gateway-1', 'gateway-2'];

export async function startFleet(o: FleetOptions): Promise<Fleet> {
  const keys = testKeys();
  const common = {
    REDIS_URL: o.redisUrl,
    AMQP_URL: o.amqpUrl,
    AMQP_PREFIX: 'faults',
    REDIS_PREFIX: 'faults:',
    LOG_LEVEL: 'warn',
    ...FAST_ACCOUNTS,
    ...o.extraEnv,
  };
  const ports = Object.fromEntries(await Promise.all(MEMBERS.map(async (m) => [m, await freePort()] as const))) as Record<
    FleetMember,
    number
  >;
  const options = (member: FleetMember): LaunchOptions => {
    const base = { name: member, port: ports[member], logFile: `${o.logDir}/${member}.log` };
    if (member === 'membership')
      return {
        ...base,
        service: 'membership',
        env: { ...common, MONGODB_URI: databaseFor(o.mongoUri, 'membership'), JWT_PRIVATE_KEY: keys.privateKey },
      };
    if (member === 'history')
      return {
        ...base,
        service: 'history',
        env: { ...common, MONGODB_URI: databaseFor(o.mongoUri, 'history'), JWT_PUBLIC_KEY: keys.publicKey },
      };
    return {
      ...base,
      service: 'gateway',
      env: { ...common, JWT_PUBLIC_KEY: keys.publicKey, GATEWAY_ID: member.replace('gateway-', 'gw') },
    };
  };
  const running = new Map<FleetMember, ServiceProcess>();
  // The first start migrates the databases (as `npm start` does); a restart after a crash does not (as a
  // Kubernetes container restart does not re-run the pod's init container).
  const start = async (member: FleetMember, migrate = true) =>
    running.set(member, await spawnService({ ...options(member), migrate }, 90_000));
  await Promise.all([start('membership'), start('history')]);
  await Promise.all([start('gateway-1'), start('gateway-2')]);
  const url = (member: FleetMember) => `http://127.0.0.1:${ports[member]}`;
  return {
    url,
    gatewayUrls: [url('gateway-1'), url('gateway-2')],
    async killAndRestart(member, onKilled) {
      await running.get(member)?.stop('SIGKILL');
      onKilled?.();
      await start(member, false);
    },
    async ready() {
      const up = await Promise.all(
        MEMBERS.map((m) =>
          fetch(`${url(m)}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
            (r) => r.ok,
            () => false,
          ),
        ),
      );
      return MEMBERS.filter((_m, i) => up[i]);
    },
    async stop() {
      await Promise.all(['gateway-1', 'gateway-2'].map((m) => running.get(m as FleetMember)?.stop()));
      await Promise.all(['membership', 'history'].map((m) => running.get(m as FleetMember)?.stop()));
    },
  };
}
