import type { Logger } from './logger.js';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown> | unknown;
}

/**
 * Runs the steps of a graceful stop in order (not ready → stop accepting → drain → close connections).
 * A step that fails is logged and the next one still runs: a broken broker must not keep MongoDB open.
 */
export async function runSteps(logger: Logger, steps: readonly ShutdownStep[]): Promise<void> {
  for (const step of steps) {
    try {
      await step.run();
    } catch (err) {
      logger.warn({ err, step: step.name }, 'shutdown step failed');
    }
  }
}

/**
 * On SIGTERM/SIGINT runs `stop`, then exits 0; if it takes longer than `timeoutMs`, exits 1 anyway.
 * A second signal is ignored. Returns a function that triggers the same sequence (for fatal errors).
 */
export function installShutdown(logger: Logger, stop: () => Promise<void>, timeoutMs: number): (reason: string) => Promise<void> {
  let running: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    if (running) return running;
    logger.info({ reason }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    running = (async () => {
      await stop().catch((err: unknown) => logger.error({ err }, 'shutdown failed'));
      clearTimeout(timer);
      logger.info('shutdown complete');
      process.exit(0);
    })();
    return running;
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return shutdown;
}

/** Fatal faults exit the process so the orchestrator restarts it; they are logged first, never swallowed. */
export function exitOnFatal(logger: Logger): void {
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    process.exit(1);
  });
}
