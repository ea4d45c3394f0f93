import type { Express } from 'express';
import {
  createHttpApp,
  finishApp,
  healthRoutes,
  type AuthzClient,
  type Logger,
  type Metrics,
  type ReadinessProbe,
  type TokenVerifier,
} from '@chorus/runtime';
import type { MessageEvents } from './messages/message.events.js';
import type { MessageRepository } from './messages/message.repository.js';
import { messageRoutes } from './messages/message.routes.js';

export interface HistoryDeps {
  logger: Logger;
  repository: MessageRepository;
  authz: AuthzClient;
  events: MessageEvents;
  verifyToken: TokenVerifier;
  metrics?: Metrics;
  /** MongoDB, broker, consumer attached. */
  readiness: ReadinessProbe;
  isShuttingDown?: () => boolean;
}

/** The HTTP side of history; no I/O here, so tests build it and listen on port 0. */
export function createApp(deps: HistoryDeps): Express {
  const app = createHttpApp(deps.logger, deps.metrics);
  app.use(healthRoutes(deps.readiness, deps.isShuttingDown));
  app.use(messageRoutes(deps));
  return finishApp(app, deps.logger);
}
