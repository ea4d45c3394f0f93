import type { Express } from 'express';
import {
  createHttpApp,
  finishApp,
  healthRoutes,
  type Logger,
  type Metrics,
  type ReadinessProbe,
  type TokenVerifier,
} from '@chorus/runtime';
import { messageRoutes } from './messages/message.routes.js';
import type { MessageService } from './messages/message.service.js';

export interface HistoryAppDeps {
  logger: Logger;
  messages: MessageService;
  verifyToken: TokenVerifier;
  metrics?: Metrics;
  /** MongoDB, broker, consumer attached. */
  readiness: ReadinessProbe;
  isShuttingDown?: () => boolean;
}

/** The HTTP side of history, transport only: no I/O here, so tests build it and listen on port 0. */
export function createApp(deps: HistoryAppDeps): Express {
  const app = createHttpApp(deps.logger, deps.metrics);
  app.use(healthRoutes(deps.readiness, deps.isShuttingDown));
  app.use(messageRoutes(deps));
  return finishApp(app, deps.logger);
}
