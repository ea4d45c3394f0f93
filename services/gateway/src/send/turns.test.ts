import { describe, expect, it } from 'vitest';
import { createTurns } from './turns.js';

/** A channel's in-flight ids, as Redis would hold them; `mostAtOnce` is the most questions asked at once. */
function fakeChannel(ids: string[]) {
  const inFlight = new Set(ids);
  let asking = 0;
  let mostAtOnce = 0;
  return {
    settle: (id: string) => inFlight.delete(id),
    get mostAtOnce() {
      return mostAtOnce;
    },
    earliestInFlight: async () => {
      mostAtOnce = Math.max(mostAtOnce, ++asking);
      await new Promise((r) => setTimeout(r, 2));
      asking--;
      return [...inFlight].sort()[0];
    },
  };
}

describe('turns', () => {
  it('lets waiters go in id order as earlier ids settle, with one poller for the whole channel', async () => {
    const channel = fakeChannel(['a1', 'a2', 'a3']);
    const turns = createTurns({ earliestInFlight: channel.earliestInFlight, pollMs: 1 });
    const order: string[] = [];
    const waits = ['a3', 'a2'].map((id) => turns.wait('c', id, 5_000).then((turn) => order.push(`${id}:${turn}`)));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]); // a1 is still in flight
    channel.settle('a1');
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(['a2:true']);
    channel.settle('a2');
    await Promise.all(waits);
    expect(order).toEqual(['a2:true', 'a3:true']);
    // Two waiters, one question at a time.
    expect(channel.mostAtOnce).toBe(1);
  });

  it('gives up after the timeout, and lets everyone go when Redis cannot answer', async () => {
    const stuck = fakeChannel(['b1', 'b2']);
    expect(await createTurns({ earliestInFlight: stuck.earliestInFlight }).wait('c', 'b2', 30)).toBe(false);
    const broken = createTurns({
      earliestInFlight: async () => {
        throw new Error('redis down');
      },
    });
    expect(await broken.wait('c', 'b2', 5_000)).toBe(true);
  });

  it('a waiter goes at once when this gateway learns from its own settle that it is next', async () => {
    const channel = fakeChannel(['d1', 'd2']);
    const turns = createTurns({ earliestInFlight: channel.earliestInFlight, pollMs: 1_000 });
    const waited = turns.wait('c', 'd2', 5_000);
    channel.settle('d1');
    turns.learned('c', 'd2');
    expect(await waited).toBe(true);
  });
});
