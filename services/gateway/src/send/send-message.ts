import { randomUUID } from 'node:crypto';
import {
  MessageSendPayload,
  createEnvelope,
  rateLimitedError,
  zodDetails,
  type AuthenticatedUser,
  type Message,
  type MessageSendAck,
} from '@chorus/contracts';
import { AppError, type EventPublisher, type Logger } from '@chorus/runtime';
import type { Authorize } from '../channels/authorize.js';
import { ackError, fail, failure } from '../socket/ack.js';
import type { Admission } from './admission.js';
import type { InFlight } from './inflight.js';
import type { Turns } from './turns.js';

export interface SendDeps {
  authorize: Authorize;
  admission: Admission;
  publisher: EventPublisher;
  /** Emits `message:created` to the channel's room on every gateway; resolves once this gateway's sockets have it. */
  broadcast(message: Message): void | Promise<void>;
  inFlight: InFlight;
  /** Waits for a message's turn in its channel's broadcast order. */
  turns: Turns;
  /** False once the gateway is shutting down: new sends are refused UNAVAILABLE, never dropped. */
  accepting(): boolean;
  logger: Logger;
  /** How long a duplicate waits for its original, still in flight on some gateway, to settle. */
  pendingWaitMs?: number;
  /**
   * The longest a confirmed message waits for an earlier one of its channel to be broadcast first; past
   * it (broker trouble, or a channel busier than its ordered broadcast can carry), it goes anyway.
   */
  turnWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The send pipeline: validate → authorize (membership) → admit (one Redis round trip: nonce, rate limit,
 * id) → publish with a publisher confirm → remember the nonce → broadcast once every earlier id of the
 * channel has been → ack with the message. A send that is not published gives back its rate-limit slot
 * and nonce so the client can retry. Never throws: every outcome is an ack.
 *
 * Why the turn: ids are assigned at admission, but confirms come back in any order. Were each message
 * broadcast at its confirm, a client could see id 101 and then lose its connection before id 100
 * arrived; catching up with `after=101` would then skip 100 for good. Broadcasting a channel's messages
 * in id order is what makes `after=<last id seen>` complete (SPEC 5, reconnection).
 */
export function createSendMessage(deps: SendDeps): (user: AuthenticatedUser, payload: unknown) => Promise<MessageSendAck> {
  const { logger, admission } = deps;
  const pendingWaitMs = deps.pendingWaitMs ?? 8_000;
  const turnWaitMs = deps.turnWaitMs ?? 250;
  const sleep = deps.sleep ?? defaultSleep;

  const admit = async (userId: string, channelId: string, nonce: string | undefined) => {
    const deadline = Date.now() + pendingWaitMs;
    for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
      const result = await admission.admit(userId, channelId, nonce);
      if (result.kind !== 'pending') return result;
      if (Date.now() + delay > deadline) return result;
      await sleep(delay);
    }
  };

  const send = async (user: AuthenticatedUser, payload: unknown, ref: string): Promise<MessageSendAck> => {
    if (!deps.accepting()) return fail('UNAVAILABLE', 'This gateway is shutting down; reconnect and send again');
    const parsed = MessageSendPayload.safeParse(payload);
    if (!parsed.success) return fail('VALIDATION_FAILED', 'Invalid message:send payload', zodDetails(parsed.error));
    const { channelId, content, nonce } = parsed.data;

    const channel = await deps.authorize(user.id, channelId);
    const admitted = await admit(user.id, channel.id, nonce);
    switch (admitted.kind) {
      case 'duplicate':
        logger.info({ event: 'message:send', userId: user.id, channelId, messageId: admitted.message.id, ref }, 'duplicate nonce replayed');
        return { ok: true, duplicate: true, message: admitted.message };
      case 'pending':
        return fail('UNAVAILABLE', 'A send with this nonce is still in progress; try again');
      case 'limited':
        return failure(rateLimitedError(admitted.retryAfterMs, 'Too many messages, slow down'));
      case 'ok':
        break;
    }

    const message: Message = {
      id: admitted.id,
      channelId: channel.id,
      serverId: channel.serverId,
      author: { id: user.id, username: user.username },
      content,
      ...(nonce !== undefined ? { nonce } : {}),
      createdAt: admitted.createdAt,
      editedAt: null,
    };
    try {
      await deps.publisher.publish(createEnvelope('message.created', 1, message, 'gateway', ref));
    } catch (err) {
      await admission.release(user.id, channel.id, message.id, nonce).catch((releaseErr: unknown) => {
        logger.warn({ err: releaseErr, ref }, 'could not release a failed send; its slot and nonce expire by themselves');
      });
      throw err;
    }
    const turn = await admission.commit(user.id, nonce, message).catch((err: unknown) => {
      logger.warn({ err, ref, messageId: message.id }, 'published, but the nonce could not be remembered');
      return true;
    });
    if (!turn && !(await deps.turns.wait(channel.id, message.id, turnWaitMs))) {
      // debug, not warn: under overload this is every message, and a line each would add to the load.
      logger.debug(
        { ref, messageId: message.id, waitedMs: turnWaitMs },
        'an earlier message of the channel is still not broadcast; broadcasting anyway',
      );
    }
    await deps.broadcast(message);
    // Only now (published to every gateway, delivered to this one's sockets) may later ids of the channel go.
    admission.settle(channel.id, message.id).then(
      (next) => deps.turns.learned(channel.id, next),
      (err: unknown) =>
        logger.warn({ err, ref, messageId: message.id }, 'broadcast, but not marked settled; later ones wait for the turn limit'),
    );
    logger.info({ event: 'message:send', userId: user.id, channelId, messageId: message.id, ref }, 'message accepted');
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
