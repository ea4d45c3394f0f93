import type { AuthzChannel, Permission } from '@chorus/contracts';
import { AppError, requirePermission, type AuthzClient } from '@chorus/runtime';

/** What a channel action needs (SPEC 15): sending needs SEND_MESSAGES there, joining (and staying) READ_HISTORY. */
export const NEEDS = {
  send: { permission: 'SEND_MESSAGES', doing: 'send messages' },
  read: { permission: 'READ_HISTORY', doing: 'read it' },
} as const satisfies Record<string, { permission: Permission; doing: string }>;
export type Need = (typeof NEEDS)[keyof typeof NEEDS];

/**
 * Membership's answer for (user, channel) as the gateway acts on it: the channel when allowed and the
 * user's effective permissions there include what `need` names, an AppError otherwise (FORBIDDEN,
 * NOT_FOUND, NOT_MEMBER, VALIDATION_FAILED; UNAVAILABLE when membership does not answer).
 */
export type Authorize = (userId: string, channelId: string, need: Need) => Promise<AllowedChannel>;

/** A channel the user may use: a server's (`serverId`) or a DM (`serverId` null, `recipientIds` its two users). */
export type AllowedChannel = AuthzChannel;

export interface Authorizer {
  authorize: Authorize;
  /** Servers this gateway has seen allowed answers for (to drop their cached answers after a broker outage). */
  knownServers(): string[];
  /**
   * Bumped by every membership change this gateway applies. A join whose answer was asked before a bump
   * asks again, so a join racing a `member.left` cannot put a former member back in a room.
   */
  readonly epoch: number;
  bump(): void;
}

const MAX_KNOWN_SERVERS = 50_000;

export function createAuthorizer(authz: AuthzClient): Authorizer {
  const servers = new Set<string>();
  let epoch = 0;
  return {
    async authorize(userId, channelId, need) {
      const answer = await authz.check(userId, channelId);
      switch (answer.status) {
        case 'allowed':
          if (servers.size >= MAX_KNOWN_SERVERS) servers.clear();
          if (answer.channel.serverId !== null) servers.add(answer.channel.serverId);
          return requirePermission(answer, need.permission, need.doing).channel;
        case 'not_member':
          throw new AppError('NOT_MEMBER', 'You are not a member of this channel’s server');
        case 'not_found':
          throw new AppError('NOT_FOUND', 'No such channel');
        case 'invalid':
          throw new AppError('VALIDATION_FAILED', answer.message);
        case 'user':
          throw new AppError('INTERNAL', 'Membership answered a different question');
      }
    },
    knownServers: () => [...servers],
    get epoch() {
      return epoch;
    },
    bump() {
      epoch++;
    },
  };
}
