/// <reference types="pino-http" preserve="true" />
export * from './config.js';
export * from './redis.js';
export * from './logger.js';
export * from './json.js';
export * from './tokens.js';
export * from './broker.js';
export * from './consumer/index.js';
export * from './authz-client.js';
export * from './mongo/mongo.js';
export * from './shutdown.js';
export * from './lifecycle.js';
export * from './metrics.js';
export * from './http/app-error.js';
export * from './http/errors.js';
export * from './http/base.js';
export * from './http/health.js';
export * from './http/auth.js';
