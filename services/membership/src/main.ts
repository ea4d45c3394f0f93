import { createLogger, loadConfigOrExit, serve } from '@chorus/runtime';
import { loadConfig } from './config.js';
import { createMembershipService } from './service.js';

const config = loadConfigOrExit('membership', () => loadConfig());
const logger = createLogger('membership', config.LOG_LEVEL).child({ instance: config.INSTANCE_ID });
await serve(createMembershipService(config, logger), { logger, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
