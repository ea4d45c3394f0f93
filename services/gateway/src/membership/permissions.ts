import type { AnyEnvelope } from '@chorus/contracts';
import { forgetOnEvent } from '@chorus/runtime';
import type { MembershipDeps } from './apply.js';
import { recheckJoined, type JoinedPair } from './resync.js';

/**
 * SPEC 15 changes on THIS gateway: drops the cached answers the event makes stale (libs/runtime
 * `forgetOnEvent`), bumps the join epoch (a join racing the change asks again), and re-asks membership
 * for the channels this gateway's sockets joined that the change touches, so a socket that lost
 * READ_HISTORY leaves the room. Sends need no re-check: each send asks (a cached answer at most, and the
 * cache was just dropped). `member.kicked` / `member.banned` only drop caches: the `member.left` published
 * with each evicts the sockets and says `server:removed`, exactly as a leave. False: not such an event.
 */
export function applyPermissionEvent(envelope: AnyEnvelope, deps: MembershipDeps): boolean {
  const touched = touches(envelope);
  if (!touched) return false;
  forgetOnEvent(deps.authz, envelope);
  deps.authorizer.bump();
  if (touched !== 'none') {
    recheckJoined(deps, touched).then(
      ({ checked, removed }) => {
        if (removed > 0) deps.logger.info({ type: envelope.type, eventId: envelope.id, checked, removed }, 'sockets lost a channel');
      },
      (err: unknown) => deps.logger.warn({ err, type: envelope.type }, 're-check after a permission change failed'),
    );
  }
  return true;
}

/** Which joined (user, channel) pairs an event may have changed: 'none' (caches only), or a filter; undefined: not a permission event. */
function touches(envelope: AnyEnvelope): ((pair: JoinedPair) => boolean) | 'none' | undefined {
  switch (envelope.type) {
    case 'role.changed': {
      const { serverId } = envelope.payload;
      return (pair) => pair.serverId === serverId;
    }
    case 'override.changed': {
      const { channelId } = envelope.payload;
      return (pair) => pair.channelId === channelId;
    }
    case 'member.updated': {
      const { serverId, userId } = envelope.payload;
      return (pair) => pair.serverId === serverId && pair.userId === userId;
    }
    case 'member.kicked':
    case 'member.banned':
      return 'none';
    default:
      return undefined;
  }
}
