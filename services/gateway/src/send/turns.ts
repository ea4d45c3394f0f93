export interface Turns {
  /**
   * Resolves true once `id` is the earliest id of its channel still in flight (every earlier one was
   * broadcast or failed), or false after `timeoutMs`.
   */
  wait(channelId: string, id: string, timeoutMs: number): Promise<boolean>;
  /** This gateway just learned the channel's earliest id in flight (from its own settle): no need to poll for it. */
  learned(channelId: string, earliest: string | undefined): void;
}

interface Waiter {
  id: string;
  settle(turn: boolean): void;
  done: boolean;
}

/**
 * Waits for turns with ONE poll per channel, however many sends of that channel wait on this gateway:
 * every `pollMs` it asks Redis for the channel's earliest id in flight and lets go every waiter at or
 * before it. A failed poll lets every waiter go (better out of order than stuck while Redis is down).
 */
export function createTurns(deps: {
  earliestInFlight(channelId: string): Promise<string | undefined>;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}): Turns {
  const pollMs = deps.pollMs ?? 1;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const waiting = new Map<string, Waiter[]>();

  const letGo = (channelId: string, earliest: string | undefined) => {
    for (const w of waiting.get(channelId) ?? []) if (!w.done && (earliest === undefined || w.id <= earliest)) w.settle(true);
  };

  const poll = async (channelId: string) => {
    for (;;) {
      await sleep(pollMs);
      const open = (waiting.get(channelId) ?? []).filter((w) => !w.done);
      if (open.length === 0) break;
      letGo(channelId, await deps.earliestInFlight(channelId).catch(() => undefined));
      waiting.set(
        channelId,
        (waiting.get(channelId) ?? []).filter((w) => !w.done),
      );
    }
    waiting.delete(channelId);
  };

  return {
    learned: letGo,
    wait(channelId, id, timeoutMs) {
      return new Promise<boolean>((resolve) => {
        const waiter: Waiter = {
          id,
          done: false,
          settle(turn) {
            if (waiter.done) return;
            waiter.done = true;
            clearTimeout(timer);
            resolve(turn);
          },
        };
        const timer = setTimeout(() => waiter.settle(false), timeoutMs);
        const list = waiting.get(channelId);
        if (list) list.push(waiter);
        else {
          waiting.set(channelId, [waiter]);
          void poll(channelId);
        }
      });
    },
  };
}
