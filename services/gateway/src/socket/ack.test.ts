import { describe, expect, it, vi } from 'vitest';
import { splitArgs } from './ack.js';

describe('splitArgs', () => {
  it('finds the payload and the ack whatever the client sent', () => {
    const fn = vi.fn();
    expect(splitArgs([{ a: 1 }, fn]).payload).toEqual({ a: 1 });
    expect(splitArgs([fn]).payload).toBeUndefined();
    expect(splitArgs([{ a: 1 }]).ack).toBeUndefined();
    expect(splitArgs([]).ack).toBeUndefined();
    expect(splitArgs([1, 2, 3, fn]).payload).toBe(1);
    splitArgs([1, 2, 3, fn]).ack?.('x');
    expect(fn).toHaveBeenCalledWith('x');
  });

  it('answers once and never throws', () => {
    const fn = vi.fn(() => {
      throw new Error('closed');
    });
    const { ack } = splitArgs([{}, fn]);
    expect(() => ack?.(1)).not.toThrow();
    ack?.(2);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
