import { createEnvelope, ENGAGEMENT_LIMITS, type AnyEnvelope, type AuthenticatedUser, type ReactionParams } from '@chorus/contracts';
import { AppError, requireAccess, requirePermission, type AuthzClient } from '@chorus/runtime';
import type { Announcer } from '../events/announce.js';
import type { MessageRepository } from '../messages/message.repository.js';
import { stored } from '../stored.js';
import type { ReactionRepository } from './reaction.repository.js';

export interface ReactionServiceDeps {
  messages: MessageRepository;
  reactions: ReactionRepository;
  authz: AuthzClient;
  announcer: Announcer;
}

/**
 * SPEC 12: members who can read the channel react; PUT and DELETE are idempotent, and only a request
 * that changed something is broadcast (once, fleet-wide, through the gateways' shared broadcast queue).
 * Order of refusals: membership (403/404) → message in this channel (404) → the 21st emoji (400).
 */
export interface ReactionService {
  add(user: AuthenticatedUser, params: ReactionParams, correlationId?: string): Promise<void>;
  remove(user: AuthenticatedUser, params: ReactionParams, correlationId?: string): Promise<void>;
}

const notFound = () => new AppError('NOT_FOUND', 'Message not found');
const tooMany = () =>
  new AppError('VALIDATION_FAILED', `A message takes at most ${ENGAGEMENT_LIMITS.maxDistinctEmoji} different emoji`, [
    { path: 'emoji', message: `at most ${ENGAGEMENT_LIMITS.maxDistinctEmoji} distinct emoji per message` },
  ]);

export function createReactionService({ messages, reactions, authz, announcer }: ReactionServiceDeps): ReactionService {
  /** Access to the channel and a live message in it; the server id goes into the broadcast. */
  const target = async (user: AuthenticatedUser, { channelId, messageId }: ReactionParams) => {
    // Reacting is reading and answering: a message one may not read may not be reacted to (SPEC 15).
    const access = requirePermission(requireAccess(await authz.check(user.id, channelId)), 'READ_HISTORY', 'react to its messages');
    if (!(await stored(messages.find(channelId, messageId)))) throw notFound();
    announcer.requireBroker();
    return access.channel.serverId;
  };
  const changed = (
    type: 'reaction.added' | 'reaction.removed',
    user: AuthenticatedUser,
    p: ReactionParams,
    serverId: string | null,
    ref?: string,
  ) =>
    announcer.announce(
      createEnvelope(
        type,
        1,
        { channelId: p.channelId, serverId, messageId: p.messageId, emoji: p.emoji, userId: user.id },
        'history',
        ref,
      ) as AnyEnvelope,
    );

  return {
    async add(user, params, correlationId) {
      const serverId = await target(user, params);
      const outcome = await stored(reactions.add(params.channelId, params.messageId, user.id, params.emoji));
      if (outcome === 'not_found') throw notFound();
      if (outcome === 'too_many') throw tooMany();
      if (outcome === 'added') await changed('reaction.added', user, params, serverId, correlationId);
    },
    async remove(user, params, correlationId) {
      const serverId = await target(user, params);
      const outcome = await stored(reactions.remove(params.messageId, user.id, params.emoji));
      if (outcome === 'removed') await changed('reaction.removed', user, params, serverId, correlationId);
    },
  };
}
