import { createServer } from 'node:http';
import type { Express } from 'express';
import type { Connection } from 'mongoose';
import {
  assertMigrated,
  brokerNames,
  closeServer,
  connectBroker,
  connectMongo,
  createEventPublisher,
  createMetrics,
  createTokenVerifier,
  runSteps,
  type Consumer,
  type Logger,
  type RunningService,
} from '@chorus/runtime';
import { createApp } from './app.js';
import { createHistoryAuthz } from './authz/cache-consumer.js';
import type { HistoryConfig } from './config.js';
import { createHistoryConsumer } from './consumer/history-consumer.js';
import { createMessageEvents, type MessageEvents } from './messages/message.events.js';
import { MessageRepository } from './messages/message.repository.js';
import { messageModels } from './messages/message.schema.js';
import { historyMigrations } from './migrations.js';
import { createMessageService } from './messages/message.service.js';
import { createAnnouncer } from './events/announce.js';
import { ReactionRepository } from './reactions/reaction.repository.js';
import { createReactionService } from './reactions/reaction.service.js';
import { ReadStateRepository } from './read-state/read-state.repository.js';
import { createReadStateService } from './read-state/read-state.service.js';
import { UnreadRepository } from './read-state/unread.repository.js';

export interface HistoryService extends RunningService {
  app: Express;
  mongo: Connection;
  /** Attached once MongoDB is up and migrated. */
  readonly consumer: Consumer;
  events: MessageEvents;
}

/**
 * Connects history's dependencies and wires them: MongoDB (migrated: checked, never done here), the broker (consumer,
 * publisher, authorization client), the service layer (messages, reactions, read states) and the HTTP app. Returns at once; `ready`
 * resolves once MongoDB is up and the consumer is attached.
 */
export function createHistoryService(config: HistoryConfig, logger: Logger): HistoryService {
  let shuttingDown = false;
  const names = brokerNames(config);
  const metrics = createMetrics('history');
  const mongo = connectMongo(config.MONGODB_URI, logger);
  const models = messageModels(mongo.conn);
  const repository = new MessageRepository(models);
  const reactions = new ReactionRepository(mongo.conn);
  const readStates = new ReadStateRepository(mongo.conn);

  // Named per process and prefix, so an operator (or a test) can tell connections apart.
  const broker = connectBroker(config.AMQP_URL, logger, `history ${names.prefix} pid ${process.pid}`);
  const publisher = createEventPublisher({ connection: broker, names, logger });
  const { authz, cache: cacheConsumer } = createHistoryAuthz({ connection: broker, names, logger }, config);
  const cacheUp = () => cacheConsumer?.isUp() ?? true;
  const events = createMessageEvents({ publisher, repository, logger });
  const announcer = createAnnouncer(publisher, logger);

  // Consumers start only once the database they write to is ready.
  let consumer: Consumer | undefined;
  const ready = mongo.ready.then(async () => {
    // Collections and indexes come from the migrate step (migrations.ts), not from every start.
    await assertMigrated(mongo.conn, historyMigrations(mongo.conn), 'history');
    consumer = createHistoryConsumer({
      connection: broker,
      names,
      repository,
      logger,
      prefetch: config.HISTORY_PREFETCH,
      batchSize: config.HISTORY_BATCH_SIZE,
      batchWaitMs: config.HISTORY_BATCH_WAIT_MS,
      metrics,
      effects: {
        markRead: (marks) => readStates.markReadMany(marks),
        forgetChannels: (channelIds) =>
          Promise.all([reactions.deleteChannels(channelIds), readStates.deleteChannels(channelIds)]).then(() => undefined),
      },
      onScopesDeleted: ({ channelIds, serverIds }) => {
        for (const id of channelIds) authz.forgetChannel(id);
        for (const id of serverIds) authz.forgetServer(id);
      },
    });
    await Promise.all([consumer.ready, cacheConsumer?.ready]);
    // Events of edits/deletes that a previous process stored but never got confirmed.
    void events.sweep();
  });

  const app = createApp({
    logger,
    messages: createMessageService({ repository, authz, events, reactions }),
    reactions: createReactionService({ messages: repository, reactions, authz, announcer }),
    readStates: createReadStateService({ readStates, unread: new UnreadRepository(mongo.conn), authz, announcer }),
    metrics,
    verifyToken: createTokenVerifier({ publicKey: config.jwtPublicKey, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    readiness: () => ({ mongodb: mongo.isUp(), broker: broker.isConnected(), consumer: !!consumer?.isUp() && cacheUp() }),
    isShuttingDown: () => shuttingDown,
  });
  const server = createServer(app);
  server.keepAliveTimeout = 5_000;

  let stopping: Promise<void> | undefined;
  return {
    app,
    server,
    mongo: mongo.conn,
    get consumer() {
      if (!consumer) throw new Error('the history consumer starts once MongoDB is ready (await service.ready)');
      return consumer;
    },
    events,
    ready,
    stop: () =>
      (stopping ??= runSteps(logger, [
        { name: 'not ready', run: () => (shuttingDown = true) },
        { name: 'stop accepting', run: () => closeServer(server) },
        { name: 'stop the outbox sweep', run: () => events.stop() },
        { name: 'cancel the consumer, store and ack what it holds', run: () => consumer?.close() },
        { name: 'close the cache consumer', run: () => cacheConsumer?.close() },
        { name: 'close the broker', run: () => Promise.allSettled([authz.close(), publisher.close()]).then(() => broker.close()) },
        { name: 'close MongoDB', run: () => mongo.close() },
      ])),
  };
}
