import {
  GATEWAY_BROADCAST_BINDINGS,
  declareGatewayMembershipQueue,
  declareWorkQueue,
  workQueueDeliveryLimit,
  type TopologyNames,
} from '@chorus/contracts';
import { createConsumer, envelopeDecoder, type AmqpConnectionManager, type Consumer, type Logger } from '@chorus/runtime';
import { broadcastHistoryEvent } from '../broadcast/broadcast.js';
import { applyMembershipEvent, type MembershipDeps } from '../membership/apply.js';
import { resyncMembership } from '../membership/resync.js';
import type { GatewayServer } from '../types.js';

export interface GatewayConsumers {
  /** This gateway's own queue of membership changes (exclusive: every gateway gets every change). */
  membership: Consumer;
  /** History's edits and deletes, shared by the fleet (competing consumers: one gateway emits each). */
  broadcast: Consumer;
}

/** Unacked deliveries each consumer may hold at once. */
const PREFETCH = 100;

/** Starts the gateway's two consumers on the runtime's consumer (decode, dead-letter, heal, drain). */
export function startGatewayConsumers(
  deps: MembershipDeps & { broker: AmqpConnectionManager; io: GatewayServer; names: TopologyNames; gatewayId: string },
): GatewayConsumers {
  const { broker, names, logger } = deps;
  const membershipDeps: MembershipDeps = {
    authz: deps.authz,
    authorizer: deps.authorizer,
    sockets: deps.sockets,
    logger,
    ...(deps.presence ? { presence: deps.presence } : {}),
  };
  const membership = createConsumer({
    connection: broker,
    name: 'membership-consumer',
    logger,
    prefetch: PREFETCH,
    decode: envelopeDecoder,
    declare: (ch) => declareGatewayMembershipQueue(ch, names, deps.gatewayId),
    handle: ({ value }) => applyMembershipEvent(value, membershipDeps),
    // The queue is exclusive and auto-delete: changes made while it was gone were missed.
    onReattach: () => void resync(membershipDeps, logger),
  });
  const broadcast = createConsumer({
    connection: broker,
    name: 'broadcast-consumer',
    logger,
    prefetch: PREFETCH,
    decode: envelopeDecoder,
    declare: async (ch) => {
      await declareWorkQueue(ch, names, names.gatewayBroadcastQueue, GATEWAY_BROADCAST_BINDINGS);
      return names.gatewayBroadcastQueue;
    },
    // A quorum queue counts deliveries: a relay that failed (Redis away) is tried again, not dropped.
    deliveryLimit: workQueueDeliveryLimit(names.queues, names.gatewayBroadcastQueue),
    handle: ({ value }) => broadcastHistoryEvent(deps.io, value, logger),
  });
  return { membership, broadcast };
}

const resync = (deps: MembershipDeps, logger: Logger) =>
  resyncMembership(deps).catch((err: unknown) => logger.error({ err }, 'membership resync failed'));
