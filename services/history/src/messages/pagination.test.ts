import { describe, expect, it } from 'vitest';
import { HistoryQuery } from '@chorus/contracts';
import { aroundPage, aroundSplit, newerPage, olderPage, toPageRequest } from './pagination.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('toPageRequest', () => {
  it('picks the one cursor given, defaulting the limit to 50', () => {
    const id = 'a'.repeat(24);
    expect(toPageRequest(HistoryQuery.parse({}))).toEqual({ kind: 'latest', limit: 50 });
    expect(toPageRequest(HistoryQuery.parse({ before: id, limit: '7' }))).toEqual({ kind: 'before', cursor: id, limit: 7 });
    expect(toPageRequest(HistoryQuery.parse({ after: id }))).toEqual({ kind: 'after', cursor: id, limit: 50 });
    expect(toPageRequest(HistoryQuery.parse({ around: id.toUpperCase() }))).toEqual({ kind: 'around', cursor: id, limit: 50 });
  });
});

describe('page assembly', () => {
  it('older pages: the extra row only signals hasMore', () => {
    expect(olderPage([9, 8, 7, 6], 3)).toEqual({ items: [9, 8, 7], hasMore: true });
    expect(olderPage([9, 8, 7], 3)).toEqual({ items: [9, 8, 7], hasMore: false });
    expect(olderPage([], 3)).toEqual({ items: [], hasMore: false });
  });

  it('newer pages come back newest first', () => {
    expect(newerPage([5, 6, 7, 8], 3)).toEqual({ items: [7, 6, 5], hasMore: true });
    expect(newerPage([5, 6], 3)).toEqual({ items: [6, 5], hasMore: false });
  });

  it('around splits floor(limit/2) older and the rest from the cursor on', () => {
    expect(aroundSplit(1)).toEqual({ older: 0, atOrNewer: 1 });
    expect(aroundSplit(5)).toEqual({ older: 2, atOrNewer: 3 });
    expect(aroundSplit(100)).toEqual({ older: 50, atOrNewer: 50 });
    // cursor 10 in 0..20, limit 5: 10, 11, 12 and 9, 8; more older exist.
    expect(aroundPage([10, 11, 12], [9, 8, 7], 5)).toEqual({ items: [12, 11, 10, 9, 8], hasMore: true });
    // near the start: no more older.
    expect(aroundPage([1, 2, 3], [0], 5)).toEqual({ items: [3, 2, 1, 0], hasMore: false });
    // limit 1: only the cursor; hasMore tells whether anything is older.
    expect(aroundPage([10], [9], 1)).toEqual({ items: [10], hasMore: true });
    expect(aroundPage(range(0, 4), [], 10)).toEqual({ items: [4, 3, 2, 1, 0], hasMore: false });
  });
});
