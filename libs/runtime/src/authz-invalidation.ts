import type { AnyEnvelope } from '@chorus/contracts';
import type { AuthzClient } from './authz-client.js';

type Forgetting = Pick<AuthzClient, 'forgetMember' | 'forgetServer' | 'forgetChannel'>;

/**
 * Drops the cached authorization answers an event makes stale (every service that caches answers uses
 * this one mapping; contracts broker/rpc.ts lists it). Returns false for an event that changes no answer.
 *
 * Events only ever drop answers, never supply them: permissions are always membership's answer to a
 * question asked after the change. So an event that arrives late or twice can cost a re-ask but never
 * put older state back, and an answer asked before an invalidation is not cached (the client's
 * generation check), so a reply racing the event cannot outlive it.
 */
export function forgetOnEvent(authz: Forgetting, envelope: AnyEnvelope): boolean {
  switch (envelope.type) {
    case 'member.left':
    case 'member.kicked':
    case 'member.banned':
    case 'member.updated':
      authz.forgetMember(envelope.payload.userId, envelope.payload.serverId);
      return true;
    case 'role.changed':
    case 'server.deleted':
      authz.forgetServer(envelope.payload.serverId);
      return true;
    case 'override.changed':
    case 'channel.deleted':
      authz.forgetChannel(envelope.payload.channelId);
      return true;
    default:
      return false;
  }
}
