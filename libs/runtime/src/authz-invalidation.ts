import type { AnyEnvelope } from '@chorus/contracts';
import type { AuthzClient } from './authz-client.js';

/**
 * Drops the cached authorization answers an event makes stale (every service that caches answers uses
 * this one mapping). Returns false for an event that changes no answer. Dropping is always safe: the
 * next question is asked afresh.
 */
export function forgetOnEvent(authz: Pick<AuthzClient, 'forgetMember' | 'forgetServer' | 'forgetChannel'>, envelope: AnyEnvelope): boolean {
  switch (envelope.type) {
    case 'member.left':
      authz.forgetMember(envelope.payload.userId, envelope.payload.serverId);
      return true;
    case 'server.deleted':
      authz.forgetServer(envelope.payload.serverId);
      return true;
    case 'channel.deleted':
      authz.forgetChannel(envelope.payload.channelId);
      return true;
    default:
      return false;
  }
}
