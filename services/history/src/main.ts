import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, exitOnFatal, installShutdown, loadConfigOrExit, runSteps } from '@chorus/runtime';
import { loadConfig } from './config.js';
import { startHistory } from './service.js';

const config = loadConfigOrExit('history', () => loadConfig());

const logger = createLogger('history', config.LOG_LEVEL);
exitOnFatal(logger);

const service = await startHistory(config, logger);
const server = createServer(service.app);
server.keepAliveTimeout = 5_000;

installShutdown(
  logger,
  () =>
    runSteps(logger, [
      { name: 'not ready', run: () => service.beginShutdown() },
      {
        name: 'stop accepting',
        run: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      },
      { name: 'drain consumer and close connections', run: () => service.close() },
    ]),
  config.SHUTDOWN_TIMEOUT_MS,
);

server.listen(config.PORT, () => {
  const { port } = server.address() as AddressInfo;
  logger.info({ port }, 'listening');
});
