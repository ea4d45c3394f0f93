import { randomUUID } from 'node:crypto';
import {
  MessageSendPayload,
  createEnvelope,
  rateLimitedError,
  zodDetails,
  type AuthenticatedUser,
  type AuthzProfile,
  type Message,
  type MessageSendAck,
} from '@chorus/contracts';
import { AppError, PublishOutcomeUnknown, type EventPublisher, type Logger } from '@chorus/runtime';
import { NEEDS, type AllowedChannel, type Authorize } from '../channels/authorize.js';
import { ackError, fail, failure } from '../socket/ack.js';
import type { Admission, MessageDraft } from './admission.js';
import type { InFlight } from './inflight.js';

export interface SendDeps {
  authorize: Authorize;
  admission: Admission;
  publisher: EventPublisher;
  /** The `message:created` broadcast of a message in the rooms adapter's wire format (serialised once); a DM's reaches its recipients' user rooms too. */
  encodeBroadcast(message: Message, channel: AllowedChannel): string;
  /** Called when a commit left broadcasts of the channel parked: flush it later if nobody else does. */
  parked(channelId: string): void;
  inFlight: InFlight;
  /** False once the gateway is shutting down: new sends are refused UNAVAILABLE, never dropped. */
  accepting(): boolean;
  logger: Logger;
  /** Counts each send's outcome (a metric; the hot path writes no log line per message). */
  count?(outcome: 'ok' | 'duplicate' | 'republished' | 'unknown' | 'refused'): void;
  /** How long a duplicate waits for its original, still in flight on some gateway, to settle. */
  pendingWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Who sends: the token's user with the profile their messages are stamped with (SPEC 10). */
export type Sender = AuthenticatedUser & AuthzProfile;

/**
 * The send pipeline: validate → authorize (membership, cached) → admit (Redis: nonce, rate limit, id,
 * in-flight; one script call on one Redis) → publish `message.created` with a publisher confirm → ack,
 * and commit (Redis: the nonce now replays the message, and Redis publishes the broadcast in the
 * channel's id order; not awaited by the ack).
 * Never throws: every outcome is an ack.
 *
 * Order without waiting: ids are assigned at admission but confirms come back in any order. Were each
 * message broadcast at its confirm, a client could see id 101, lose its connection before 100 arrived,
 * and `after=101` would skip 100 for good. So the commit script is the channel's reorder buffer: it
 * SPUBLISHes a broadcast only once every earlier id of the channel was broadcast or failed, parking it
 * otherwise, and the commit of that earlier id publishes whatever became due. No gateway waits or polls.
 *
 * Outcomes of the publish: refused before it left (broker down, back-pressure) → `release` (slot, nonce
 * and place given back; a retry is a new send). Left but not confirmed (PublishOutcomeUnknown) →
 * `unknown`: the nonce keeps the message, and a retry with that nonce republishes the SAME message
 * (same id; history dedupes by id) and acks it, so an unknown outcome never becomes two messages.
 */
export function createSendMessage(deps: SendDeps): (user: Sender, payload: unknown) => Promise<MessageSendAck> {
  const { logger, admission } = deps;
  const pendingWaitMs = deps.pendingWaitMs ?? 8_000;
  const sleep = deps.sleep ?? defaultSleep;
  const count = deps.count ?? (() => undefined);

  const admit = async (userId: string, channelId: string, nonce: string | undefined, draft: MessageDraft) => {
    const deadline = Date.now() + pendingWaitMs;
    for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
      const result = await admission.admit(userId, channelId, nonce, draft);
      if (result.kind !== 'pending') return result;
      if (Date.now() + delay > deadline) return result;
      await sleep(delay);
    }
  };

  /** A DM's message also moves the DM up its recipients' lists (membership); off the ack path, best effort. */
  const announceDm = (message: Message, channel: AllowedChannel, ref: string) => {
    if (!channel.recipientIds) return;
    const activity = { channelId: channel.id, messageId: message.id, senderId: message.author.id, recipientIds: channel.recipientIds };
    deps.publisher.publish(createEnvelope('dm.activity', 1, activity, 'gateway', ref)).catch((err: unknown) => {
      logger.warn({ err, ref, channelId: channel.id }, 'dm.activity not published; the DM list catches up on its next message');
    });
  };

  const send = async (user: Sender, payload: unknown, ref: string): Promise<MessageSendAck> => {
    if (!deps.accepting()) return fail('UNAVAILABLE', 'This gateway is shutting down; reconnect and send again');
    const parsed = MessageSendPayload.safeParse(payload);
    if (!parsed.success) return fail('VALIDATION_FAILED', 'Invalid message:send payload', zodDetails(parsed.error));
    const { channelId, content, nonce } = parsed.data;

    const channel = await deps.authorize(user.id, channelId, NEEDS.send);
    const draft: MessageDraft = {
      channelId: channel.id,
      serverId: channel.serverId,
      author: { id: user.id, username: user.username, displayName: user.displayName, avatarUrl: user.avatarUrl },
      content,
      ...(nonce !== undefined ? { nonce } : {}),
      editedAt: null,
      reactions: [],
    };
    const admitted = await admit(user.id, channel.id, nonce, draft);
    let message: Message;
    switch (admitted.kind) {
      case 'duplicate':
        count('duplicate');
        return { ok: true, duplicate: true, message: admitted.message };
      case 'pending':
        return fail('UNAVAILABLE', 'A send with this nonce is still in progress; try again');
      case 'limited':
        return failure(rateLimitedError(admitted.retryAfterMs, 'Too many messages, slow down'));
      case 'republish':
        message = admitted.message;
        break;
      case 'ok':
        message = { id: admitted.id, ...draft, createdAt: admitted.createdAt };
        break;
    }
    const republish = admitted.kind === 'republish';
    try {
      await deps.publisher.publish(createEnvelope('message.created', 1, message, 'gateway', ref));
    } catch (err) {
      return publishFailed(deps, err, { userId: user.id, nonce, message, republish, ref });
    }

    commitLater(deps, user.id, nonce, message, deps.encodeBroadcast(message, channel), ref);
    announceDm(message, channel, ref);
    count(republish ? 'republished' : 'ok');
    return { ok: true, message };
  };

  return (user, payload) => {
    const ref = randomUUID();
    return deps.inFlight.track(
      send(user, payload, ref).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'UNAVAILABLE')
          logger.warn({ ref, reason: err.message }, 'send refused: dependency unavailable');
        return ackError(err, logger, ref);
      }),
    );
  };
}

/**
 * The message is durable from here on: whatever Redis does now, the ack is ok. So the ack goes at once,
 * with the commit on its way (not awaited: one Redis round trip less per ack). A repeat of the nonce that
 * overtakes the commit finds the reservation bound to this message and waits for it, as for any send in
 * flight; shutdown waits for the commit (it is tracked like the send).
 */
function commitLater(deps: SendDeps, userId: string, nonce: string | undefined, message: Message, payload: string, ref: string): void {
  const committed = deps.admission.commit(userId, nonce, message, payload).then(
    (left) => {
      if (left > 0) deps.parked(message.channelId);
    },
    (err: unknown) => {
      deps.logger.warn(
        { err, ref, messageId: message.id },
        'published, but not committed in Redis: no live broadcast, nonce not remembered',
      );
    },
  );
  void deps.inFlight.track(committed);
}

/**
 * A publish that did not confirm. Left but unconfirmed (PublishOutcomeUnknown, or any failure of a
 * republish) → the nonce keeps the message and the ack says so; refused before it left → the slot, nonce
 * and place are released and the error is rethrown (the caller's ack error).
 */
async function publishFailed(
  deps: SendDeps,
  err: unknown,
  send: { userId: string; nonce: string | undefined; message: Message; republish: boolean; ref: string },
): Promise<MessageSendAck> {
  const { logger, admission } = deps;
  const { userId, nonce, message, ref } = send;
  const count = deps.count ?? (() => undefined);
  if (send.republish || err instanceof PublishOutcomeUnknown) {
    // It may be in the broker already: keep the nonce bound to this message (a republish, once its
    // first publish was unknown, stays unknown whatever this attempt's error).
    count('unknown');
    const left = await admission.unknown(userId, nonce, message).catch((markErr: unknown) => {
      logger.warn({ err: markErr, ref, messageId: message.id }, 'could not record an unknown send outcome; its reservation expires');
      return 0;
    });
    if (left > 0) deps.parked(message.channelId);
    return fail(
      'UNAVAILABLE',
      nonce !== undefined
        ? 'The message broker did not confirm this message; send it again with the same nonce'
        : 'The message broker did not confirm this message; it may or may not have been stored',
    );
  }
  count('refused');
  const left = await admission.release(userId, message.channelId, message.id, nonce).catch((releaseErr: unknown) => {
    logger.warn({ err: releaseErr, ref }, 'could not release a refused send; its slot and nonce expire by themselves');
    return 0;
  });
  if (left > 0) deps.parked(message.channelId);
  throw err;
}

/**
 * One flush timer per channel per gateway: after a commit parked broadcasts (an earlier id of the channel
 * was still in flight), flush the channel once `holdMs` passed, so a channel whose earlier send was
 * abandoned (its gateway died) still gets its broadcasts. Normally the earlier send's own commit
 * publishes them long before, and the timer's flush finds nothing to do.
 */
export function createFlushTimers(flush: (channelId: string) => Promise<number>, holdMs: number, logger: Logger) {
  const timers = new Map<string, NodeJS.Timeout>();
  const arm = (channelId: string) => {
    if (timers.has(channelId)) return;
    const timer = setTimeout(() => {
      timers.delete(channelId);
      flush(channelId).then(
        (left) => {
          if (left > 0) arm(channelId);
        },
        (err: unknown) => {
          logger.warn({ err, channelId }, 'channel flush failed; retrying');
          arm(channelId);
        },
      );
    }, holdMs);
    timer.unref();
    timers.set(channelId, timer);
  };
  return {
    arm,
    clear() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
