import type { UpdateProfileRequest, UserProfile } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import { membershipEvent, type MembershipEvents } from '../events/membership-events.js';
import type { UserRepository } from './user.repository.js';

export interface ProfileService {
  update(userId: string, changes: UpdateProfileRequest, correlationId?: string): Promise<UserProfile>;
}

/** A token for an account that no longer exists is no longer a credential. */
export const accountGone = () => new AppError('UNAUTHENTICATED', 'This account no longer exists');

/**
 * Profile edits (SPEC 10), announced as `user.updated` through the outbox so every gateway stamps the
 * new display name and avatar on the user's next message.
 */
export function createProfileService(deps: { users: UserRepository; events: MembershipEvents }): ProfileService {
  const { users, events } = deps;
  return {
    async update(userId, changes, correlationId) {
      const current = await users.findById(userId);
      if (!current) throw accountGone();
      const displayName = changes.displayName ?? current.displayName;
      const avatarUrl = changes.avatarUrl === undefined ? current.avatarUrl : changes.avatarUrl;
      const updated = await events.record(membershipEvent.userUpdated(userId, displayName, avatarUrl, correlationId), () =>
        users.update(userId, changes),
      );
      if (!updated) throw accountGone();
      return updated;
    },
  };
}
