import { afterAll, beforeAll } from 'vitest';
import { topologyNames, type TopologyNames } from '@chorus/contracts';
import { createLogger } from '@chorus/runtime';
import type { Isolated } from '../../../../test/support/isolated.js';
import { migrateHistory } from '../../../../test/support/migrate.js';
import { FAST_WRITES } from '../../../../test/support/tuning.js';
import { loadConfig } from '../../src/config.js';
import { MessageRepository } from '../../src/messages/message.repository.js';
import { messageModels } from '../../src/messages/message.schema.js';
import { createHistoryService, type HistoryService } from '../../src/service.js';
import { startAuthzStandIn, type AuthzStandIn } from './authz-stand-in.js';
import { tapEvents, type EventTap } from './events.js';
import { mintToken, testPublisher, type TestPublisher } from './fixtures.js';

/** What `useHistoryService` starts for a test file; read it inside tests and hooks, once beforeAll ran. */
export interface HistoryWorld {
  readonly names: TopologyNames;
  /** The real history service (FAST_WRITES), in this process, on the file's database and broker prefix. */
  readonly svc: HistoryService;
  /** Membership's authorization RPC, answered by the stand-in from the channels the test sets. */
  readonly authz: AuthzStandIn;
  /** The service's own message repository, to seed messages directly. */
  readonly repo: MessageRepository;
  /** The events matching `tap` (only when asked for). */
  readonly tap: EventTap;
  /** Publishes envelopes as the gateway would (only when asked for). */
  readonly pub: TestPublisher;
  /** An Authorization header value for `user`, signed as membership would. */
  bearer(user: { id: string; username: string }): string;
}

/**
 * For a whole test file: the authz stand-in, then the migrated history service, then (when asked) an
 * event tap on `tap`'s routing patterns and a publisher; started in that order in beforeAll and closed
 * in reverse in afterAll, then the isolated slice is dropped.
 */
export function useHistoryService(iso: Isolated, options: { tap?: string[]; publisher?: boolean } = {}): HistoryWorld {
  const names = topologyNames(iso.amqpPrefix);
  const logger = createLogger('history-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  let authz: AuthzStandIn | undefined;
  let svc: HistoryService | undefined;
  let tap: EventTap | undefined;
  let pub: TestPublisher | undefined;
  let repo: MessageRepository | undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useHistoryService: ${what} read before beforeAll started it (or not asked for)`);
    return value;
  };

  beforeAll(async () => {
    authz = await startAuthzStandIn(iso.amqpUrl, names);
    const config = loadConfig(iso.serviceEnv(FAST_WRITES));
    await migrateHistory(config.MONGODB_URI);
    svc = createHistoryService(config, logger);
    await svc.ready;
    repo = new MessageRepository(messageModels(svc.mongo));
    if (options.tap) tap = await tapEvents(iso.amqpUrl, names, options.tap);
    if (options.publisher) pub = await testPublisher(iso.amqpUrl, names);
  });

  afterAll(async () => {
    await pub?.close();
    await tap?.close();
    await svc?.stop();
    await authz?.close();
    await iso.cleanup();
  });

  return {
    names,
    get svc() {
      return need(svc, 'svc');
    },
    get authz() {
      return need(authz, 'authz');
    },
    get repo() {
      return need(repo, 'repo');
    },
    get tap() {
      return need(tap, 'tap');
    },
    get pub() {
      return need(pub, 'pub');
    },
    bearer: (user) => `Bearer ${mintToken(iso.keys.privateKey, user)}`,
  };
}
