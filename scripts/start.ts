// `npm start`: the whole Chorus system on this machine (SPEC 8). Redis and RabbitMQ are found or
// started, MongoDB is the wire server with data under .chorus/ (unless MONGODB_URI is set), dev keys
// are generated once, then membership, history, two gateways and the entry point on :8080. Ctrl-C
// stops everything.
import { join } from 'node:path';
import { localDependencies, portAnswers } from './local-deps.mjs';
import { devKeys } from './local/dev-keys.js';
import { REPO_ROOT } from './local/processes.js';
import { callerEnvironment, startSystem } from './local/system.js';
import { ensureWebClient, WEB_DIST } from './local/web-client.js';

const env = process.env;
const stateDir = join(REPO_ROOT, '.chorus');
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
const ports = {
  edge: port('EDGE_PORT', 8080),
  membership: port('MEMBERSHIP_PORT', 3001),
  history: port('HISTORY_PORT', 3002),
  gateways: [port('GATEWAY_1_PORT', 3000), port('GATEWAY_2_PORT', 3010)],
};

const started = Date.now();
const say = (line: string) => process.stdout.write(`[chorus +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

for (const [name, p] of [
  ['entry point', ports.edge],
  ['membership', ports.membership],
  ['history', ports.history],
  ['gateway', ports.gateways[0]!],
  ['gateway', ports.gateways[1]!],
] as const) {
  if (await portAnswers(p)) {
    say(`port ${p} (${name}) is already in use: is Chorus already running? Stop it or set the *_PORT variables.`);
    process.exit(1);
  }
}

say('checking Redis and RabbitMQ, starting MongoDB');
const deps = await localDependencies({
  dataDir: join(stateDir, 'mongo-data'),
  mongoPort: (await portAnswers(27017)) ? 0 : 27017,
  log: say,
});
try {
  await ensureWebClient(say);
} catch (err) {
  say(`${(err as Error).message}\n  the API still starts; http://localhost:${ports.edge}/ will answer 404 until the client builds`);
}
const keys = devKeys(join(stateDir, 'keys'), env);
say(`JWT keys: ${keys.source}`);

let system: Awaited<ReturnType<typeof startSystem>> | undefined;
const shutdown = async (signal: string) => {
  say(`${signal}: stopping everything`);
  await system?.stop().catch(() => undefined);
  await deps.stop();
  say('stopped');
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

try {
  system = await startSystem({
    mongoUri: deps.urls.MONGODB_URI!,
    redisUrl: deps.urls.REDIS_URL!,
    amqpUrl: deps.urls.AMQP_URL!,
    keys,
    ports,
    logLevel: env.LOG_LEVEL ?? 'info',
    logDir: join(stateDir, 'logs'),
    onProgress: say,
    webDir: WEB_DIST,
    extraEnv: callerEnvironment(env),
  });
} catch (err) {
  say(`start-up failed: ${(err as Error).message}`);
  await deps.stop();
  process.exit(1);
}

say(`Chorus is up in ${((Date.now() - started) / 1000).toFixed(1)} s
  open          ${system.edgeUrl}/   (the web client)
  entry point   ${system.edgeUrl}   (REST /api/*, Socket.IO /socket.io/)
  membership    ${system.membership.url}
  history       ${system.history.url}
  gateways      ${system.gateways.map((g) => g.url).join('  ')}
  MongoDB       ${deps.urls.MONGODB_URI}   Redis ${deps.urls.REDIS_URL}   RabbitMQ ${deps.urls.AMQP_URL!.replace(/\/\/[^@]*@/, '//***@')}
  logs          .chorus/logs/*.log (JSON lines)
Press Ctrl-C to stop.`);
