import { describe, expect, it } from 'vitest';
import { continuesGroup, GROUP_MS } from './grouping';

// Local-time dates, so the day boundary is the reader's midnight whatever TZ the test runs in.
const at = (hours: number, minutes: number, seconds = 0, day = 3) => new Date(2026, 11, day, hours, minutes, seconds).toISOString();
const msg = (author: string, createdAt: string) => ({ author: { id: author }, createdAt });

describe('continuesGroup', () => {
  it('groups the same author within five minutes', () => {
    expect(continuesGroup(msg('ada', at(10, 0)), msg('ada', at(10, 4, 59)))).toBe(true);
    expect(continuesGroup(msg('ada', at(10, 0)), msg('ada', at(10, 0)))).toBe(true);
  });

  it('starts a new group for the first message, another author, or five minutes or more', () => {
    expect(continuesGroup(undefined, msg('ada', at(10, 0)))).toBe(false);
    expect(continuesGroup(msg('bob', at(10, 0)), msg('ada', at(10, 1)))).toBe(false);
    expect(continuesGroup(msg('ada', at(10, 0)), msg('ada', new Date(Date.parse(at(10, 0)) + GROUP_MS).toISOString()))).toBe(false);
  });

  it('never groups across midnight or backwards in time', () => {
    expect(continuesGroup(msg('ada', at(23, 58)), msg('ada', at(0, 1, 0, 4)))).toBe(false);
    expect(continuesGroup(msg('ada', at(10, 1)), msg('ada', at(10, 0)))).toBe(false);
  });
});
