import type { AuthzResponse } from '@chorus/contracts';
import { AppError, type AuthzClient } from '@chorus/runtime';

export type ChannelAccess = Extract<AuthzResponse, { status: 'allowed' }>;

/**
 * Asks membership whether the user may use the channel: not_found → 404 NOT_FOUND,
 * not_member → 403 NOT_MEMBER, no answer in time → 503 UNAVAILABLE (thrown by the client).
 */
export async function requireChannelAccess(authz: AuthzClient, userId: string, channelId: string): Promise<ChannelAccess> {
  const answer = await authz.check(userId, channelId);
  switch (answer.status) {
    case 'allowed':
      return answer;
    case 'not_member':
      throw new AppError('NOT_MEMBER', 'You are not a member of this channel’s server');
    case 'not_found':
      throw new AppError('NOT_FOUND', 'Channel not found');
    case 'invalid':
      throw new AppError('VALIDATION_FAILED', 'Request is invalid', [{ path: '', message: answer.message }]);
  }
}
