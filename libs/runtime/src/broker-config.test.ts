import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { brokerNames, commonEnv, parseEnv, splitUrls } from './config.js';

const schema = z.object({
  AMQP_URL: commonEnv.AMQP_URL,
  AMQP_PREFIX: commonEnv.AMQP_PREFIX,
  AMQP_QUEUE_TYPE: commonEnv.AMQP_QUEUE_TYPE,
  AMQP_DELIVERY_LIMIT: commonEnv.AMQP_DELIVERY_LIMIT,
});

describe('broker configuration', () => {
  it('defaults to quorum work queues with a delivery limit of 20', () => {
    const config = parseEnv(schema, {});
    expect(config).toMatchObject({ AMQP_QUEUE_TYPE: 'quorum', AMQP_DELIVERY_LIMIT: 20 });
    expect(brokerNames(config).queues).toMatchObject({ type: 'quorum', deliveryLimit: 20 });
    expect(brokerNames(parseEnv(schema, { AMQP_QUEUE_TYPE: 'classic' })).queues.type).toBe('classic');
  });

  it('takes the nodes of a cluster, separated by commas', () => {
    const config = parseEnv(schema, { AMQP_URL: 'amqp://u:p@rabbit-0:5672, amqp://u:p@rabbit-1:5672,amqps://u:p@rabbit-2:5671' });
    expect(splitUrls(config.AMQP_URL)).toEqual(['amqp://u:p@rabbit-0:5672', 'amqp://u:p@rabbit-1:5672', 'amqps://u:p@rabbit-2:5671']);
  });

  it.each([
    [{ AMQP_URL: 'amqp://a:5672,http://b' }, /AMQP_URL/],
    [{ AMQP_URL: ' , ' }, /AMQP_URL/],
    [{ AMQP_QUEUE_TYPE: 'stream' }, /AMQP_QUEUE_TYPE/],
    [{ AMQP_DELIVERY_LIMIT: '0' }, /AMQP_DELIVERY_LIMIT/],
  ])('names the bad variable: %o', (env, message) => {
    expect(() => parseEnv(schema, env)).toThrow(message);
  });
});
