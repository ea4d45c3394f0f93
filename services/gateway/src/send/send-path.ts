import { MessageSendPayload } from '@chorus/contracts';
import type { EventPublisher, Logger, Metrics, RedisClient } from '@chorus/runtime';
import { encodeDmMessageCreated, encodeMessageCreated } from '../broadcast/message-created.js';
import type { Authorizer } from '../channels/authorize.js';
import { on } from '../socket/on.js';
import type { GatewaySocket } from '../types.js';
import { createAdmission } from './admission.js';
import type { InFlight } from './inflight.js';
import { createFlushTimers, createSendMessage } from './send-message.js';

export interface SendPathDeps {
  redis: RedisClient;
  publisher: EventPublisher;
  authorizer: Authorizer;
  inFlight: InFlight;
  accepting(): boolean;
  logger: Logger;
  metrics?: Metrics | undefined;
}

export interface SendPathSettings {
  REDIS_PREFIX: string;
  SEND_RATE_LIMIT: number;
  SEND_RATE_WINDOW_MS: number;
  NONCE_PENDING_TTL_MS: number;
  /** The rooms adapter's channel prefix: broadcasts are encoded for it once per message. */
  channelPrefix: string;
}

export interface SendPath {
  /** Registers `message:send` on one socket. */
  register(socket: GatewaySocket): void;
  /** Stops the flush timers (shutdown). */
  stop(): void;
}

/** How long a commit's parked broadcasts wait for the earlier send of their channel before any gateway may flush. */
const HOLD_MS = 7_000;

/** `message:send` wired: admission (Redis), the send pipeline, its flush timers and its metrics. */
export function createSendPath(deps: SendPathDeps, settings: SendPathSettings): SendPath {
  const { logger, metrics } = deps;
  const admission = createAdmission({
    redis: deps.redis,
    prefix: settings.REDIS_PREFIX,
    channelPrefix: settings.channelPrefix,
    limit: settings.SEND_RATE_LIMIT,
    windowMs: settings.SEND_RATE_WINDOW_MS,
    pendingTtlMs: settings.NONCE_PENDING_TTL_MS,
    holdMs: HOLD_MS,
    logger,
  });
  // Past the hold (plus a second: ids carry whole seconds), a parked channel is flushed by this gateway.
  const flushTimers = createFlushTimers((channelId) => admission.flush(channelId), HOLD_MS + 1_000, logger);
  const sendOutcomes = metrics?.counter('chorus_gateway_sends_total', 'message:send outcomes after admission', ['outcome']);
  const sendSeconds = metrics?.histogram('chorus_gateway_send_seconds', 'message:send from receipt to ack, by result', ['result']);
  const sendMessage = createSendMessage({
    authorize: deps.authorizer.authorize,
    admission,
    publisher: deps.publisher,
    encodeBroadcast: (message, channel) =>
      channel.recipientIds
        ? encodeDmMessageCreated(settings.channelPrefix, message, channel.recipientIds)
        : encodeMessageCreated(settings.channelPrefix, message).payload,
    parked: (channelId) => flushTimers.arm(channelId),
    inFlight: deps.inFlight,
    accepting: deps.accepting,
    logger,
    ...(sendOutcomes ? { count: (outcome) => sendOutcomes.inc({ outcome }) } : {}),
  });

  return {
    register(socket) {
      // The payload is parsed here (typed ack) and again inside the pipeline, which unit tests drive with raw input.
      on(socket, 'message:send', MessageSendPayload, logger, async (payload, ack) => {
        // A send reports its outcome (and its message id) only through its ack: without one it is refused.
        if (!ack) return;
        const end = sendSeconds?.startTimer();
        // Messages are stamped with the sender's current profile (SPEC 10; kept current by `user.updated`).
        const result = await sendMessage({ ...socket.data.user, ...socket.data.profile }, payload);
        end?.({ result: result.ok ? (result.duplicate ? 'duplicate' : 'ok') : result.error.code });
        ack(result);
      });
    },
    stop: () => flushTimers.clear(),
  };
}
