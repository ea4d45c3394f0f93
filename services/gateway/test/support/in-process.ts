import { afterAll, beforeAll } from 'vitest';
import amqplib, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import type { GatewaySettings } from '../../src/app.js';
import type { Isolated } from '../../../../test/support/isolated.js';
import { startedView } from '../../../../test/support/started.js';
import { closeClients, connectClient, startGateway, type Client, type RunningGateway } from './gateway-harness.js';
import { signToken, startAuthzStandIn, startEventInjector, type AuthzStandIn, type EventInjector, type TestUser } from './stand-ins.js';

/** What `useInProcessGateways` starts for a test file; read it inside tests and hooks, once beforeAll ran. */
export interface InProcessWorld {
  /** Membership's authorization RPC, answered by a stand-in from its directory. */
  readonly authz: AuthzStandIn;
  /** Publishes the events membership would publish. */
  readonly events: EventInjector;
  /** A channel of its own on the run's broker, to look at the queues the gateways publish to. */
  readonly channel: Channel;
  /** A socket.io client of `gw`, signed in as `user`. */
  connectAs(gw: RunningGateway, user: TestUser): Promise<Client>;
  /** Takes every message waiting in `queue` (no ack), in order. */
  drain(queue: string): Promise<GetMessage[]>;
}

/**
 * For a whole test file: the authz stand-in, the event injector, one in-process gateway per key of
 * `gateways` (its id, with those settings) and a broker channel, started in order in beforeAll and
 * stopped in afterAll (clients first, then the gateways, then the rest, then the isolated slice).
 * A gateway that fails to stop fails the file.
 */
export function useInProcessGateways<K extends string>(
  iso: Isolated,
  gateways: Record<K, Partial<GatewaySettings>>,
): InProcessWorld & Readonly<Record<K, RunningGateway>> {
  type Started = Pick<InProcessWorld, 'authz' | 'events' | 'channel'> & Record<K, RunningGateway>;
  const ids = Object.keys(gateways) as K[];
  let started: Partial<Started> | undefined;
  let authz: AuthzStandIn | undefined;
  let events: EventInjector | undefined;
  let amqp: ChannelModel | undefined;
  const running = new Map<K, RunningGateway>();

  beforeAll(async () => {
    authz = await startAuthzStandIn(iso);
    events = await startEventInjector(iso);
    for (const id of ids) running.set(id, await startGateway(iso, id, gateways[id]));
    amqp = await amqplib.connect(iso.amqpUrl);
    const channel = await amqp.createChannel();
    started = { authz, events, channel, ...(Object.fromEntries(running) as Record<K, RunningGateway>) };
  });

  afterAll(async () => {
    closeClients();
    const stops = await Promise.allSettled([...running.values()].map((gw) => gw.stop()));
    await Promise.allSettled([authz?.stop(), events?.close(), amqp?.close()]);
    await iso.cleanup();
    const failed = stops.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  });

  const view = startedView<Started, keyof Started>('useInProcessGateways', () => started, ['authz', 'events', 'channel', ...ids]);
  return Object.assign(view, {
    connectAs: (gw: RunningGateway, user: TestUser) => connectClient(gw.url, signToken(iso, user)),
    async drain(queue: string) {
      const out: GetMessage[] = [];
      for (let m = await view.channel.get(queue, { noAck: true }); m; m = await view.channel.get(queue, { noAck: true })) out.push(m);
      return out;
    },
  });
}
