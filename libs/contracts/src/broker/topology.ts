import { assertDurableQueue, queuePolicy, type QueuePolicy, type TopologyChannel } from './queue-policy.js';

/**
 * The RabbitMQ topology, declared by every service from this one module on every (re)connect.
 *
 *   <p>.events  (topic, durable)       every event, routing key `<type>.v<version>`
 *   <p>.dlx     (topic, durable)       dead letters, routing key = the name of the queue they died in
 *
 *   <p>.history.events      durable  ← message.created.*, channel.deleted.*, server.deleted.*   (history)
 *   <p>.gateway.broadcast   durable  ← message.updated.*, message.deleted.*, reaction.*.*, read.updated.*
 *                                      (one gateway of the fleet
 *                                      takes each and emits it to the room through the Redis adapter,
 *                                      so every event reaches clients once, not once per gateway)
 *   <p>.gateway.membership.<instance>  exclusive, auto-delete  ← member.*, server.deleted.*, channel.deleted.*, user.updated.*,
 *                                      role.changed.*, override.changed.*
 *                                      (every gateway gets every membership change: each one drops its
 *                                      own caches and removes its own sockets from rooms)
 *   <p>.membership.dm-activity  durable  ← dm.activity.*   (membership: DM order and partners)
 *   <p>.membership.authz    durable, non-persistent requests with a TTL  (authorization RPC, see rpc.ts)
 *   <p>.membership.cache.<instance>  exclusive, auto-delete  ← server.deleted.*, channel.deleted.*,
 *                                      role.changed.*, override.changed.*
 *                                      (each membership replica drops its caches on deletions and
 *                                      permission changes made by another replica)
 *   <p>.history.cache.<instance>     exclusive, auto-delete  ← member.*.*, server.deleted.*, channel.deleted.*,
 *                                      role.changed.*, override.changed.*
 *                                      (each history replica that caches authorization answers drops them
 *                                      on every change of who may read what)
 *   <queue>.dlq             durable  ← what a consumer of <queue> rejected (invalid envelopes)
 *
 * `p` is the prefix (default `chorus`): tests give each run its own prefix, as they would a vhost.
 * The durable work queues and their DLQs are quorum queues with a delivery limit, or classic queues,
 * as the names' `queues` policy says (`AMQP_QUEUE_TYPE`; see queue-policy.ts); the exclusive queues and
 * the authorization queue are always classic.
 */
export interface TopologyNames {
  prefix: string;
  /** The type of the durable work queues (and what this process learnt about existing ones). */
  queues: QueuePolicy;
  eventsExchange: string;
  deadLetterExchange: string;
  historyQueue: string;
  gatewayBroadcastQueue: string;
  authzQueue: string;
  dmActivityQueue: string;
  gatewayMembershipQueue(instanceId: string): string;
  dlq(queue: string): string;
}

export function topologyNames(prefix = 'chorus', queues: QueuePolicy = queuePolicy()): TopologyNames {
  return {
    prefix,
    queues,
    eventsExchange: `${prefix}.events`,
    deadLetterExchange: `${prefix}.dlx`,
    historyQueue: `${prefix}.history.events`,
    gatewayBroadcastQueue: `${prefix}.gateway.broadcast`,
    authzQueue: `${prefix}.membership.authz`,
    dmActivityQueue: `${prefix}.membership.dm-activity`,
    gatewayMembershipQueue: (instanceId) => `${prefix}.gateway.membership.${instanceId}`,
    dlq: (queue) => `${queue}.dlq`,
  };
}

export const HISTORY_BINDINGS = ['message.created.*', 'channel.deleted.*', 'server.deleted.*'] as const;
export const GATEWAY_BROADCAST_BINDINGS = [
  'message.updated.*',
  'message.deleted.*',
  'reaction.added.*',
  'reaction.removed.*',
  'read.updated.*',
] as const;
export const GATEWAY_MEMBERSHIP_BINDINGS = [
  'member.*.*',
  'server.deleted.*',
  'channel.deleted.*',
  'user.updated.*',
  'role.changed.*',
  'override.changed.*',
] as const;
export const DM_ACTIVITY_BINDINGS = ['dm.activity.*'] as const;

/** How long an authorization request may wait in its queue before RabbitMQ drops it (the caller times out first). */
export const AUTHZ_REQUEST_TTL_MS = 5_000;

/** Exchanges every service publishes to. */
export async function declareExchanges(ch: TopologyChannel, n: TopologyNames): Promise<void> {
  await ch.assertExchange(n.eventsExchange, 'topic', { durable: true });
  await ch.assertExchange(n.deadLetterExchange, 'topic', { durable: true });
}

/**
 * A durable work queue with its dead-letter queue: a message the consumer rejects (`nack` without
 * requeue) goes to `<queue>.dlq` and nowhere else, so a bad envelope can never loop. A quorum queue
 * also dead-letters there a message delivered more than `n.queues.deliveryLimit` times.
 */
export async function declareWorkQueue(ch: TopologyChannel, n: TopologyNames, queue: string, bindings: readonly string[]): Promise<void> {
  await declareExchanges(ch, n);
  const dlq = n.dlq(queue);
  await assertDurableQueue(ch, n.queues, dlq, { deliveryLimit: false });
  await ch.bindQueue(dlq, n.deadLetterExchange, dlq);
  await assertDurableQueue(ch, n.queues, queue, {
    deliveryLimit: true,
    arguments: { 'x-dead-letter-exchange': n.deadLetterExchange, 'x-dead-letter-routing-key': dlq },
  });
  for (const pattern of bindings) await ch.bindQueue(queue, n.eventsExchange, pattern);
}

/** A gateway's own membership queue: gone with its connection, dead letters still kept. */
export async function declareGatewayMembershipQueue(ch: TopologyChannel, n: TopologyNames, instanceId: string): Promise<string> {
  await declareExchanges(ch, n);
  const queue = n.gatewayMembershipQueue(instanceId);
  const dlq = n.dlq(n.gatewayMembershipQueue('all'));
  await assertDurableQueue(ch, n.queues, dlq, { deliveryLimit: false });
  await ch.bindQueue(dlq, n.deadLetterExchange, dlq);
  await ch.assertQueue(queue, {
    exclusive: true,
    autoDelete: true,
    durable: false,
    arguments: { 'x-dead-letter-exchange': n.deadLetterExchange, 'x-dead-letter-routing-key': dlq },
  });
  for (const pattern of GATEWAY_MEMBERSHIP_BINDINGS) await ch.bindQueue(queue, n.eventsExchange, pattern);
  return queue;
}

/** The authorization RPC request queue (membership consumes it). */
export async function declareAuthzQueue(ch: TopologyChannel, n: TopologyNames): Promise<void> {
  await ch.assertQueue(n.authzQueue, { durable: true, arguments: { 'x-message-ttl': AUTHZ_REQUEST_TTL_MS } });
}

export const MEMBERSHIP_CACHE_BINDINGS = ['server.deleted.*', 'channel.deleted.*', 'role.changed.*', 'override.changed.*'] as const;

/**
 * A membership replica's own cache-invalidation queue: gone with its connection. No dead-lettering: an
 * invalid envelope here is logged and dropped (the same event reaches the gateways' queues, which keep it).
 */
export async function declareMembershipCacheQueue(ch: TopologyChannel, n: TopologyNames, instanceId: string): Promise<string> {
  await declareExchanges(ch, n);
  const queue = `${n.prefix}.membership.cache.${instanceId}`;
  await ch.assertQueue(queue, { exclusive: true, autoDelete: true, durable: false });
  for (const pattern of MEMBERSHIP_CACHE_BINDINGS) await ch.bindQueue(queue, n.eventsExchange, pattern);
  return queue;
}

/** What can change a cached authorization answer: membership, permissions, deletions (history's cache queue). */
export const HISTORY_CACHE_BINDINGS = [
  'member.*.*',
  'server.deleted.*',
  'channel.deleted.*',
  'role.changed.*',
  'override.changed.*',
] as const;

/**
 * A history replica's own authorization-cache queue: gone with its connection (the replica then drops its
 * whole cache). No dead-lettering: an invalid envelope is logged and dropped (the gateways' queues keep theirs).
 */
export async function declareHistoryCacheQueue(ch: TopologyChannel, n: TopologyNames, instanceId: string): Promise<string> {
  await declareExchanges(ch, n);
  const queue = `${n.prefix}.history.cache.${instanceId}`;
  await ch.assertQueue(queue, { exclusive: true, autoDelete: true, durable: false });
  for (const pattern of HISTORY_CACHE_BINDINGS) await ch.bindQueue(queue, n.eventsExchange, pattern);
  return queue;
}
