import { createServer } from 'node:http';
import { createLogger, exitOnFatal, installShutdown, loadConfigOrExit, runSteps } from '@chorus/runtime';
import { loadConfig } from './config.js';
import { createMembershipService } from './service.js';

const config = loadConfigOrExit('membership', () => loadConfig());

const logger = createLogger('membership', config.LOG_LEVEL);
exitOnFatal(logger);

const service = createMembershipService(config, logger);
const server = createServer(service.app);
server.keepAliveTimeout = 65_000;

installShutdown(
  logger,
  () =>
    runSteps(logger, [
      { name: 'not ready; stop consumers', run: () => service.beginShutdown() },
      {
        name: 'stop accepting and drain http',
        run: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      },
      { name: 'close connections', run: () => service.close() },
    ]),
  config.SHUTDOWN_TIMEOUT_MS,
);

server.on('error', (err) => {
  logger.fatal({ err }, 'http server failed');
  process.exit(1);
});

// Health endpoints answer at once (not ready yet); "listening" is logged when the service is ready.
server.listen(config.PORT, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port }, 'http bound; waiting for dependencies');
  void service.started.then(() => {
    if (!service.isShuttingDown()) logger.info({ port, instance: config.INSTANCE_ID }, 'listening');
  });
});
