import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Where the run's real dependencies are. */
export interface TestDependencies {
  mongoUri: string;
  redisUrl: string;
  amqpUrl: string;
  /** Unique per `vitest run`: every database, key prefix and queue name of the run starts with it. */
  runId: string;
}

const HOW_TO =
  'Chorus tests need real MongoDB, Redis and RabbitMQ: set MONGODB_URI, REDIS_URL and AMQP_URL ' +
  '(`npm test` does this on the project machine: it starts the MongoDB wire server and uses the local Redis and RabbitMQ), ' +
  'or run where Docker is available so testcontainers can start them.';

function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes MONGODB_URI, REDIS_URL and AMQP_URL from the environment when set; starts what is missing with
 * testcontainers where Docker runs; otherwise fails with one sentence saying what to set.
 */
export async function resolveTestDependencies(env = process.env): Promise<{ deps: TestDependencies; stop: () => Promise<void> }> {
  const runId = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let mongoUri = env.MONGODB_URI;
  let redisUrl = env.REDIS_URL;
  let amqpUrl = env.AMQP_URL;
  const stops: Array<() => Promise<unknown>> = [];

  if (!mongoUri || !redisUrl || !amqpUrl) {
    if (!dockerAvailable()) throw new Error(HOW_TO);
    const { GenericContainer, Wait } = await import('testcontainers');
    if (!mongoUri) {
      const c = await new GenericContainer('mongo:7').withExposedPorts(27017).start();
      stops.push(() => c.stop());
      mongoUri = `mongodb://${c.getHost()}:${c.getMappedPort(27017)}`;
    }
    if (!redisUrl) {
      const c = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
      stops.push(() => c.stop());
      redisUrl = `redis://${c.getHost()}:${c.getMappedPort(6379)}`;
    }
    if (!amqpUrl) {
      const c = await new GenericContainer('rabbitmq:3.13-alpine')
        .withExposedPorts(5672)
        .withWaitStrategy(Wait.forLogMessage('Server startup complete'))
        .start();
      stops.push(() => c.stop());
      amqpUrl = `amqp://guest:guest@${c.getHost()}:${c.getMappedPort(5672)}`;
    }
  }
  return {
    deps: { mongoUri, redisUrl, amqpUrl, runId },
    stop: async () => {
      await Promise.allSettled(stops.map((s) => s()));
    },
  };
}
