/**
 * What kind of queue the durable work queues are (`AMQP_QUEUE_TYPE`), and how a queue that already
 * exists with other arguments is treated.
 *
 * - `quorum` (the default): replicated over the cluster's nodes (Raft), survives the loss of a minority
 *   of them, and counts deliveries itself: a message returned more than `deliveryLimit` times (its
 *   consumer crashed with it, or nacked it with requeue) is dead-lettered to `<queue>.dlq` by the broker.
 * - `classic`: one node's queue, no delivery count (what Chorus used before; consumers then
 *   dead-letter a failed message at once instead of retrying it).
 *
 * Queues that are exclusive to one process (a gateway's membership queue, a membership replica's cache
 * queue) and the authorization RPC queue (per-queue message TTL, which quorum queues gain only in
 * RabbitMQ 3.12) are classic whatever the setting.
 */
export type QueueType = 'quorum' | 'classic';

export interface QueuePolicy {
  type: QueueType;
  /** Deliveries of one message before a quorum queue dead-letters it (`x-delivery-limit`); unused for classic. */
  deliveryLimit: number;
  /**
   * Queues found to exist with other arguments (for instance a classic queue from before the switch to
   * quorum): from then on this process declares them passively and uses them as they are.
   */
  readonly adopted: Set<string>;
}

/** Enough deliveries for a message to survive many crashes and restarts; a poison message stops after this many. */
export const DEFAULT_DELIVERY_LIMIT = 20;

export function queuePolicy(type: QueueType = 'quorum', deliveryLimit = DEFAULT_DELIVERY_LIMIT): QueuePolicy {
  return { type, deliveryLimit, adopted: new Set() };
}

/** The subset of an amqplib channel the declarations need (amqplib's Channel and ConfirmChannel both fit). */
export interface TopologyChannel {
  assertExchange(name: string, type: string, options?: Record<string, unknown>): Promise<unknown>;
  assertQueue(name: string, options?: Record<string, unknown>): Promise<unknown>;
  checkQueue(name: string): Promise<unknown>;
  bindQueue(queue: string, exchange: string, pattern: string): Promise<unknown>;
}

/**
 * Raised (instead of amqplib's channel error) when a durable queue exists with other arguments than
 * this process would declare: RabbitMQ answers PRECONDITION_FAILED and closes the channel. The queue is
 * remembered in the policy's `adopted` set, so the next declaration (the consumer's next channel, the
 * publisher's reopened channel) uses the queue as it is. Changing a queue's type needs it deleted and
 * declared again (see libs/contracts README, "Queue types").
 */
export class QueueArgumentsMismatch extends Error {
  override name = 'QueueArgumentsMismatch';
  constructor(
    readonly queue: string,
    readonly argument: string,
    cause: unknown,
  ) {
    super(
      `queue ${queue} already exists with another ${argument}; using it as it is from now on ` +
        '(to change its type: drain it, delete it, and restart the services)',
      { cause },
    );
  }
}

/**
 * The delivery limit a consumer of this work queue may rely on (the broker dead-letters past it), or
 * undefined when the queue does not count deliveries (classic, or an adopted existing queue).
 */
export function workQueueDeliveryLimit(policy: QueuePolicy, queue: string): number | undefined {
  return policy.type === 'quorum' && !policy.adopted.has(queue) ? policy.deliveryLimit : undefined;
}

const INEQUIVALENT = /inequivalent arg '([^']+)' for queue '([^']+)'/;

/** Arguments of a durable work queue (or of a dead-letter queue, `deliveryLimit` false) under the policy. */
export function durableQueueArguments(policy: QueuePolicy, deliveryLimit: boolean): Record<string, unknown> {
  if (policy.type === 'classic') return {};
  return { 'x-queue-type': 'quorum', ...(deliveryLimit ? { 'x-delivery-limit': policy.deliveryLimit } : {}) };
}

/**
 * Declares a durable queue with the policy's type; passively if it was adopted before. A
 * PRECONDITION_FAILED about its arguments adopts it and throws QueueArgumentsMismatch.
 */
export async function assertDurableQueue(
  ch: TopologyChannel,
  policy: QueuePolicy,
  queue: string,
  options: { arguments?: Record<string, unknown>; deliveryLimit: boolean },
): Promise<void> {
  if (policy.adopted.has(queue)) {
    await ch.checkQueue(queue);
    return;
  }
  try {
    await ch.assertQueue(queue, {
      durable: true,
      arguments: { ...options.arguments, ...durableQueueArguments(policy, options.deliveryLimit) },
    });
  } catch (err) {
    const match = INEQUIVALENT.exec(String((err as Error)?.message));
    if (!match || match[2] !== queue) throw err;
    policy.adopted.add(queue);
    throw new QueueArgumentsMismatch(queue, match[1]!, err);
  }
}
