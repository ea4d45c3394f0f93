import type { Express } from 'express';
import type { Connection } from 'mongoose';
import { topologyNames } from '@chorus/contracts';
import {
  connectBroker,
  createAuthzClient,
  createEventPublisher,
  createMetrics,
  createTokenVerifier,
  type AmqpConnectionManager,
  type AuthzClient,
  type EventPublisher,
  type Logger,
  type Metrics,
} from '@chorus/runtime';
import { createApp } from './app.js';
import type { HistoryConfig } from './config.js';
import { createHistoryConsumer, type HistoryConsumer } from './consumer/history-consumer.js';
import { connectMongo, mongoIsUp } from './mongo.js';
import { createMessageEvents, type MessageEvents } from './messages/message.events.js';
import { MessageRepository } from './messages/message.repository.js';
import { ensureMessageIndexes, messageModels } from './messages/message.schema.js';

export interface HistoryService {
  app: Express;
  mongo: Connection;
  broker: AmqpConnectionManager;
  consumer: HistoryConsumer;
  publisher: EventPublisher;
  authz: AuthzClient;
  events: MessageEvents;
  /** This instance's Prometheus registry, served at GET /metrics. */
  metrics: Metrics;
  /** Marks the service not ready (first step of shutdown). */
  beginShutdown(): void;
  /** Stops consuming (flushing and acking the current batch), then closes broker and database. */
  close(): Promise<void>;
}

/**
 * Connects history's dependencies and wires them: MongoDB (indexes ensured), the broker (consumer,
 * publisher, authorization client) and the HTTP app. Resolves once the consumer is attached.
 */
export async function startHistory(config: HistoryConfig, logger: Logger): Promise<HistoryService> {
  let shuttingDown = false;
  const names = topologyNames(config.AMQP_PREFIX);
  const metrics = createMetrics('history');
  const mongo = await connectMongo(config.MONGODB_URI, logger, { giveUp: () => shuttingDown });
  const models = messageModels(mongo);
  await ensureMessageIndexes(models);
  const repository = new MessageRepository(models);

  // Named per process and prefix, so an operator (or a test) can tell connections apart.
  const broker = connectBroker(config.AMQP_URL, logger, `history ${names.prefix} pid ${process.pid}`);
  const publisher = createEventPublisher({ connection: broker, names, logger });
  const authz = createAuthzClient({ connection: broker, names, logger, cacheTtlMs: config.HISTORY_AUTHZ_CACHE_MS });
  const consumer = createHistoryConsumer({
    connection: broker,
    names,
    repository,
    logger,
    prefetch: config.HISTORY_PREFETCH,
    batchSize: config.HISTORY_BATCH_SIZE,
    batchWaitMs: config.HISTORY_BATCH_WAIT_MS,
    metrics,
    onScopesDeleted: ({ channelIds, serverIds }) => {
      for (const id of channelIds) authz.forgetChannel(id);
      for (const id of serverIds) authz.forgetServer(id);
    },
  });

  const events = createMessageEvents({ publisher, repository, logger });
  const app = createApp({
    logger,
    repository,
    authz,
    events,
    metrics,
    verifyToken: createTokenVerifier({ publicKey: config.jwtPublicKey, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    readiness: () => ({ mongodb: mongoIsUp(mongo), broker: broker.isConnected(), consumer: consumer.isAttached() }),
    isShuttingDown: () => shuttingDown,
  });

  await consumer.attached();
  // Events of edits/deletes that a previous process stored but never got confirmed.
  void events.sweep();

  let closing: Promise<void> | undefined;
  return {
    app,
    mongo,
    broker,
    consumer,
    publisher,
    authz,
    events,
    metrics,
    beginShutdown: () => {
      shuttingDown = true;
    },
    close: () =>
      (closing ??= (async () => {
        shuttingDown = true;
        events.stop();
        await consumer.stop();
        await authz.close().catch(() => undefined);
        await publisher.close().catch(() => undefined);
        await broker.close().catch(() => undefined);
        await mongo.close().catch(() => undefined);
      })()),
  };
}
