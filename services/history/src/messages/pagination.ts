import type { HistoryQuery } from '@chorus/contracts';

/** A validated history request, one cursor at most (SPEC 4). */
export type PageRequest = { kind: 'latest'; limit: number } | { kind: 'before' | 'after' | 'around'; cursor: string; limit: number };

export function toPageRequest(q: HistoryQuery): PageRequest {
  if (q.before !== undefined) return { kind: 'before', cursor: q.before, limit: q.limit };
  if (q.after !== undefined) return { kind: 'after', cursor: q.after, limit: q.limit };
  if (q.around !== undefined) return { kind: 'around', cursor: q.around, limit: q.limit };
  return { kind: 'latest', limit: q.limit };
}

/**
 * `around`: up to floor(limit/2) messages older than the cursor, and the rest (limit - that) taken from
 * the cursor itself and what is newer. When the cursor is not a message of the channel, those are all newer.
 */
export function aroundSplit(limit: number): { older: number; atOrNewer: number } {
  const older = Math.floor(limit / 2);
  return { older, atOrNewer: limit - older };
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

/** none / before: rows fetched newest first, `limit + 1` of them; the extra one only says "more older". */
export function olderPage<T>(rowsDesc: T[], limit: number): Page<T> {
  return { items: rowsDesc.slice(0, limit), hasMore: rowsDesc.length > limit };
}

/** after: rows fetched oldest first (just newer than the cursor), `limit + 1`; returned newest first. */
export function newerPage<T>(rowsAsc: T[], limit: number): Page<T> {
  return { items: rowsAsc.slice(0, limit).reverse(), hasMore: rowsAsc.length > limit };
}

/**
 * around: `atOrNewerAsc` (≤ atOrNewer rows, oldest first, from the cursor on) and `olderDesc`
 * (≤ older + 1 rows, newest first, strictly before the cursor). hasMore = older messages exist beyond the page.
 */
export function aroundPage<T>(atOrNewerAsc: T[], olderDesc: T[], limit: number): Page<T> {
  const { older } = aroundSplit(limit);
  return {
    items: [...atOrNewerAsc.slice().reverse(), ...olderDesc.slice(0, older)],
    hasMore: olderDesc.length > older,
  };
}
