export * from './decoders.js';
export type { Consumer, ConsumerOptions } from './queue-consumer.js';
export * from './consumer.js';
export * from './batch-consumer.js';
