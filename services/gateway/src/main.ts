import { createLogger, loadConfigOrExit, serve } from '@chorus/runtime';
import { loadConfig } from './config.js';
import { createGatewayService } from './service.js';

const config = loadConfigOrExit('gateway', () => loadConfig());
const logger = createLogger('gateway', config.LOG_LEVEL).child({ gatewayId: config.GATEWAY_ID });
await serve(createGatewayService(config, logger), { logger, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
