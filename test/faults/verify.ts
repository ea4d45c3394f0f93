// The fault suite's verdict: read every channel's whole history as a client would (`after=` pages) and
// compare it with what the load was told: each acknowledged message exactly once, by nonce and by id.
import type { Message } from '@chorus/contracts';
import { api, type LoadStats } from './load.js';

export interface HistoryCheck {
  /** Messages of the load found in history. */
  stored: number;
  /** Acknowledged nonces with no message of that id in history. */
  missing: string[];
  /** Nonces stored more than once (two messages, two ids). */
  duplicates: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every message of a channel, oldest first, paging forward with `after`. */
async function wholeChannel(historyUrl: string, token: string, channelId: string): Promise<Message[]> {
  const all: Message[] = [];
  let cursor = '0'.repeat(24);
  for (;;) {
    const res = await api(historyUrl, 'GET', `/api/channels/${channelId}/messages?after=${cursor}&limit=100`, token);
    if (res.status !== 200) throw new Error(`history ${channelId}: ${res.status} ${JSON.stringify(res.body)}`);
    const page = (res.body.messages as Message[]).slice().reverse();
    all.push(...page);
    if (!res.body.hasMore || page.length === 0) return all;
    cursor = page.at(-1)!.id;
  }
}

function compare(messages: Message[], stats: LoadStats): HistoryCheck {
  const byNonce = new Map<string, string[]>();
  for (const m of messages) if (m.nonce) byNonce.set(m.nonce, [...(byNonce.get(m.nonce) ?? []), m.id]);
  const ids = new Set(messages.map((m) => m.id));
  return {
    stored: messages.length,
    missing: [...stats.acked.values()].filter((a) => !ids.has(a.id)).map((a) => a.nonce),
    duplicates: [...byNonce].filter(([, list]) => list.length > 1).map(([nonce]) => nonce),
  };
}

/**
 * Reads history until every acknowledged message is there (history writes in batches, and may still be
 * catching up on its queue after the last fault) or `timeoutMs` passed, then gives the verdict.
 */
export async function checkHistory(
  historyUrl: string,
  token: string,
  channelIds: string[],
  stats: LoadStats,
  timeoutMs = 60_000,
): Promise<HistoryCheck> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = (await Promise.all(channelIds.map((c) => wholeChannel(historyUrl, token, c)))).flat();
    const check = compare(messages, stats);
    if (check.missing.length === 0 || Date.now() > deadline) return check;
    await sleep(1_000);
  }
}
