import type { AuthenticatedUser } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import type { Models } from '../db/models.js';
import { membershipEvent, type MembershipEvents } from '../events/membership-events.js';
import type { PermissionChecker } from '../permissions/permission-checker.js';
import { assertCanRemove } from '../permissions/hierarchy.js';
import { removeMembership } from './remove-member.js';

export type Kick = (serverId: string, userId: string, user: AuthenticatedUser, correlationId?: string) => Promise<void>;

const notMember = () => new AppError('NOT_FOUND', 'That user is not a member of this server');

/**
 * `DELETE /api/servers/:serverId/members/:userId` (SPEC 15): KICK_MEMBERS, the target below the caller,
 * never the owner. Recorded as `member.kicked` around `member.left` (two outbox records written before
 * the delete, `member.left` published first): the left is what makes every gateway evict the user's
 * sockets and send `server:removed`, exactly as when leaving. The user may join again.
 */
export function createKick(deps: { models: Models; events: MembershipEvents; permissions: PermissionChecker }): Kick {
  const { models, events, permissions } = deps;
  return async (serverId, userId, user, correlationId) => {
    const actor = await permissions.requirePermission(serverId, user.id, 'KICK_MEMBERS');
    const target = await permissions.actor(serverId, userId);
    if (!target.view.isMember) throw notMember();
    assertCanRemove(actor, target, 'kick');
    const kicked = membershipEvent.memberKicked(serverId, userId, user.id, correlationId);
    const left = membershipEvent.memberLeft(serverId, userId, correlationId);
    await events.record(kicked, () =>
      events.record(left, async () => {
        if (!(await removeMembership(models, serverId, userId))) throw notMember();
      }),
    );
  };
}
