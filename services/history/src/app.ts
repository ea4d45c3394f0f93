import type { Express } from 'express';
import {
  createHttpApp,
  finishApp,
  healthRoutes,
  limitWrites,
  requireAuth,
  type Logger,
  type Metrics,
  type ReadinessProbe,
  type TokenVerifier,
  type UserLimiter,
} from '@chorus/runtime';
import { messageRoutes } from './messages/message.routes.js';
import type { MessageService } from './messages/message.service.js';
import { reactionRoutes } from './reactions/reaction.routes.js';
import type { ReactionService } from './reactions/reaction.service.js';
import { readStateRoutes } from './read-state/read-state.routes.js';
import type { ReadStateService } from './read-state/read-state.service.js';
import { budgetOf } from './limits/write-limits.js';

export interface HistoryAppDeps {
  logger: Logger;
  messages: MessageService;
  reactions: ReactionService;
  readStates: ReadStateService;
  verifyToken: TokenVerifier;
  /** SPEC 3's per-user REST write budgets (Redis): the shared one, and read positions' own. */
  writeLimits: { restWrites: UserLimiter; readStateWrites: UserLimiter };
  metrics?: Metrics;
  /** MongoDB, broker, consumer attached. */
  readiness: ReadinessProbe;
  isShuttingDown?: () => boolean;
}

/** The HTTP side of history, transport only: no I/O here, so tests build it and listen on port 0. */
export function createApp(deps: HistoryAppDeps): Express {
  const app = createHttpApp(deps.logger, deps.metrics);
  app.use(healthRoutes(deps.readiness, deps.isShuttingDown));
  // Every API route of history needs the caller: verified once here, for all of them.
  app.use(['/api/channels', '/api/users'], requireAuth(deps.verifyToken));
  // Then every write spends one point of the caller's budget (SPEC 3), before its body is validated.
  app.use(['/api/channels', '/api/users'], limitWrites(budgetOf(deps.writeLimits)));
  app.use(messageRoutes(deps));
  app.use(reactionRoutes(deps));
  app.use(readStateRoutes(deps));
  return finishApp(app, deps.logger);
}
