import { afterAll, beforeAll } from 'vitest';
import { topologyNames, type TopologyNames } from '@chorus/contracts';
import { createLogger } from '@chorus/runtime';
import type { Isolated } from '../../../../test/support/isolated.js';
import { startedView } from '../../../../test/support/started.js';
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
  type Part = 'svc' | 'authz' | 'repo' | 'tap' | 'pub';
  let started: { -readonly [P in Part]?: HistoryWorld[P] } | undefined;

  beforeAll(async () => {
    const authz = await startAuthzStandIn(iso.amqpUrl, names);
    started = { authz };
    const config = loadConfig(iso.serviceEnv(FAST_WRITES));
    await migrateHistory(config.MONGODB_URI);
    const svc = createHistoryService(config, logger);
    started.svc = svc;
    await svc.ready;
    started.repo = new MessageRepository(messageModels(svc.mongo));
    if (options.tap) started.tap = await tapEvents(iso.amqpUrl, names, options.tap);
    if (options.publisher) started.pub = await testPublisher(iso.amqpUrl, names);
  });

  afterAll(async () => {
    await started?.pub?.close();
    await started?.tap?.close();
    await started?.svc?.stop();
    await started?.authz?.close();
    await iso.cleanup();
  });

  const view = startedView<HistoryWorld, Part>('useHistoryService', () => started, ['svc', 'authz', 'repo', 'tap', 'pub']);
  return Object.assign(view, {
    names,
    bearer: (user: { id: string; username: string }) => `Bearer ${mintToken(iso.keys.privateKey, user)}`,
  });
}
