// Messages between bench/connections.ts and its load-generator processes (bench/connections-worker.ts).

export interface WorkerSocket {
  /** Index of the socket within its worker. */
  index: number;
  url: string;
  /** The handshake: a Chorus access token, or the baseline's unverified id and name. */
  auth: Record<string, string>;
  channelId: string;
  /** Member of the 1,000-socket channel (its deliveries are counted per fan-out message). */
  big: boolean;
}

export type ToWorker =
  | { type: 'connect'; sockets: WorkerSocket[]; concurrency: number }
  | { type: 'fan-send'; index: number; channelId: string; nonce: string }
  | { type: 'fan-count'; nonce: string }
  | { type: 'busy'; senders: Array<{ index: number; channelId: string }>; intervalMs: number; durationMs: number }
  | { type: 'busy-report' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; done: number }
  | { type: 'connected'; ok: number; failed: number; errors: string[] }
  | { type: 'fan'; nonce: string; count: number; first: number; last: number }
  | { type: 'fan-ack'; nonce: string; ok: boolean; code?: string; sentAt: number; ackAt: number }
  | { type: 'busy-done'; acked: number; failed: number }
  | { type: 'busy-report'; latencies: number[] };
