// Finds or starts what Chorus depends on, on this machine: Redis and RabbitMQ must answer on their
// standard ports (started with the machine's own commands when they do not), and MongoDB is the
// mongo-java-server wire server unless MONGODB_URI points elsewhere.
import { execSync } from 'node:child_process';
import net from 'node:net';
import { startMongoServer } from '../tools/mongo-server/index.mjs';

export function portAnswers(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const START_COMMANDS = {
  redis:
    "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log",
  rabbitmq: 'rabbitmq-server -detached',
};

async function ensureLocal(name, port, log) {
  if (await portAnswers(port)) return;
  log(`${name} is not answering on :${port}; starting it`);
  try {
    execSync(START_COMMANDS[name], { stdio: 'ignore' });
  } catch (err) {
    throw new Error(`${name} is not running on 127.0.0.1:${port} and could not be started (${START_COMMANDS[name]}): ${err.message}`);
  }
  const deadline = Date.now() + 60_000;
  while (!(await portAnswers(port))) {
    if (Date.now() > deadline) throw new Error(`${name} did not come up on 127.0.0.1:${port} within 60 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Fills MONGODB_URI, REDIS_URL and AMQP_URL for this machine when they are not set.
 * `dataDir` keeps MongoDB data on disk (the local run); without it MongoDB is in memory (tests).
 * Returns the URLs and a stop function for what it started.
 */
export async function localDependencies({ env = process.env, dataDir, mongoPort = 0, log = () => {} } = {}) {
  const urls = { MONGODB_URI: env.MONGODB_URI, REDIS_URL: env.REDIS_URL, AMQP_URL: env.AMQP_URL };
  let mongo;
  if (!urls.REDIS_URL) {
    await ensureLocal('redis', 6379, log);
    urls.REDIS_URL = 'redis://127.0.0.1:6379';
  }
  if (!urls.AMQP_URL) {
    await ensureLocal('rabbitmq', 5672, log);
    urls.AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
  }
  if (!urls.MONGODB_URI) {
    log(`starting the MongoDB wire server (mongo-java-server, ${dataDir ? `data in ${dataDir}` : 'in memory'})`);
    mongo = await startMongoServer({ port: mongoPort, dataDir });
    urls.MONGODB_URI = mongo.uri;
  }
  return { urls, stop: async () => mongo?.stop() };
}
