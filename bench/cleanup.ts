import { databaseFor } from '../scripts/local/system.js';
import { dropBrokerNames, dropDatabase, dropRedisKeys } from '../test/support/drop.js';

/**
 * Removes what a benchmark run left in the shared dependencies: its two databases, its Redis keys and
 * its durable queues and exchanges (RabbitMQ keeps those after the services stop). Best effort: every
 * step runs even if another fails.
 */
export async function dropRunData(o: {
  mongoUri: string;
  redisUrl: string;
  amqpUrl: string;
  redisPrefix: string;
  amqpPrefix: string;
}): Promise<void> {
  await Promise.allSettled([
    ...['membership', 'history'].map((svc) => dropDatabase(databaseFor(o.mongoUri, svc))),
    dropRedisKeys(o.redisUrl, o.redisPrefix),
    dropBrokerNames(o.amqpUrl, o.amqpPrefix),
  ]);
}
