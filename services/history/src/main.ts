import { createLogger, loadConfigOrExit, serve } from '@chorus/runtime';
import { loadConfig } from './config.js';
import { createHistoryService } from './service.js';

const config = loadConfigOrExit('history', () => loadConfig());
const logger = createLogger('history', config.LOG_LEVEL);
await serve(createHistoryService(config, logger), { logger, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
