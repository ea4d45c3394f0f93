import { declareHistoryCacheQueue, type AnyEnvelope, type TopologyNames } from '@chorus/contracts';
import {
  createAuthzClient,
  createConsumer,
  envelopeDecoder,
  forgetOnEvent,
  type AmqpConnectionManager,
  type AuthzClient,
  type Consumer,
  type Delivery,
  type Logger,
} from '@chorus/runtime';

export interface AuthzCacheConsumerDeps {
  connection: AmqpConnectionManager;
  names: TopologyNames;
  instanceId: string;
  authz: AuthzClient;
  logger: Logger;
}

/**
 * Keeps this replica's cached authorization answers honest (only started when HISTORY_AUTHZ_CACHE_MS > 0):
 * its own exclusive queue hears every change of who may read what (member.*, server/channel deletions) and
 * drops the answers it makes stale. The queue disappears with its connection, so after a reattach the
 * whole cache is dropped: changes made meanwhile were missed.
 */
export function startAuthzCacheConsumer(deps: AuthzCacheConsumerDeps): Consumer {
  const { authz } = deps;
  return createConsumer({
    connection: deps.connection,
    name: 'authz-cache',
    logger: deps.logger,
    declare: (ch) => declareHistoryCacheQueue(ch, deps.names, deps.instanceId),
    prefetch: 50,
    decode: envelopeDecoder,
    handle: ({ value }: Delivery<AnyEnvelope>) => void forgetOnEvent(authz, value),
    onReattach: () => authz.forgetAll(),
  });
}

/**
 * History's authorization client, and — when answers are cached (`cacheTtlMs` > 0) — the consumer that
 * keeps them honest. Without a cache there is nothing to drop, so no queue.
 */
export function createHistoryAuthz(
  deps: Omit<AuthzCacheConsumerDeps, 'authz' | 'instanceId'>,
  config: { HISTORY_AUTHZ_CACHE_MS: number; INSTANCE_ID: string },
): { authz: AuthzClient; cache: Consumer | undefined } {
  const authz = createAuthzClient({ ...deps, cacheTtlMs: config.HISTORY_AUTHZ_CACHE_MS });
  const cache = config.HISTORY_AUTHZ_CACHE_MS > 0 ? startAuthzCacheConsumer({ ...deps, authz, instanceId: config.INSTANCE_ID }) : undefined;
  return { authz, cache };
}
