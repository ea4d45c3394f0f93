export * from './routes.js';
export * from './document.js';
export * from './socket-events.js';
