import mongoose, { Types } from 'mongoose';
import { isChorusError, type ChorusClient, type HistoryParams } from '@chorus/client';
import type { HistoryPage } from '@chorus/contracts';
import { messageModels, type MessageDoc } from '../services/history/src/messages/message.schema.js';
import { seededRandom, summarize, type LatencySummary } from './stats.js';

export interface SeedResult {
  count: number;
  ms: number;
  perSecond: number;
  /** Ids in order, oldest first. */
  ids: string[];
}

/**
 * Writes `count` messages into one channel straight into history's own database (its schema module,
 * `insertMany` in batches), not through the broker: the point is the read path on a big channel, and
 * 100,000 sends through the fleet would take minutes on this machine. Ids are ObjectId-shaped and
 * strictly increasing like the gateway's (4 bytes of seconds + 8 bytes of sequence), dated days in the
 * past so they sort before anything the live fleet assigns.
 */
export async function seedChannel(
  historyDbUri: string,
  target: { channelId: string; serverId: string; author: { id: string; username: string } },
  count: number,
  batchSize = 5_000,
): Promise<SeedResult> {
  const conn = await mongoose.createConnection(historyDbUri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    const { Message } = messageModels(conn);
    const channelId = new Types.ObjectId(target.channelId);
    const serverId = new Types.ObjectId(target.serverId);
    const author = { id: new Types.ObjectId(target.author.id), username: target.author.username };
    const firstSecond = Math.floor(Date.now() / 1000) - 3 * 24 * 3600;
    const ids: string[] = [];
    const started = performance.now();
    for (let start = 0; start < count; start += batchSize) {
      const docs: MessageDoc[] = [];
      for (let i = start; i < Math.min(count, start + batchSize); i++) {
        const seconds = firstSecond + Math.floor(i / 2); // two messages a second
        const hex = seconds.toString(16).padStart(8, '0') + (i + 1).toString(16).padStart(16, '0');
        ids.push(hex);
        docs.push({
          _id: new Types.ObjectId(hex),
          channelId,
          serverId,
          author,
          content: `history message ${i + 1} of ${count}: the quick brown fox jumps over the lazy dog`,
          createdAt: new Date(seconds * 1000),
          editedAt: null,
          reactions: [],
          deletedAt: null,
        });
      }
      await Message.collection.insertMany(docs, { ordered: false });
    }
    const ms = performance.now() - started;
    return { count, ms, perSecond: count / (ms / 1000), ids };
  } finally {
    await conn.close();
  }
}

export interface HistoryQueryResult {
  query: string;
  requests: number;
  latency: LatencySummary;
  errors: Record<string, number>;
}

export interface HistoryBenchResult {
  messages: number;
  seedMs: number;
  seedPerSecond: number;
  maxRequestsPerQuery: number;
  budgetMsPerQuery: number;
  warmupPerQuery: number;
  queries: HistoryQueryResult[];
}

type Check = (page: HistoryPage) => string | undefined;

/**
 * Sequential GETs (one in flight: latency, not throughput) straight to the history service (through `@chorus/client`, which parses each page with its contract), up to
 * `maxRequests` per query or until its time budget is spent (whichever comes first: the local MongoDB
 * stand-in scans the collection for every page, see bench/README.md). Cursors are drawn at random in
 * their region so no two requests read the same page. Every response is checked: a wrong page counts
 * as an error, not as a latency sample.
 */
export async function measureHistory(
  /** A member's client whose base URL is the history service itself (not the entry point). */
  client: ChorusClient,
  channelId: string,
  ids: string[],
  limits: { maxRequests: number; budgetMs: number; warmup: number },
): Promise<HistoryQueryResult[]> {
  const n = ids.length;
  const rand = seededRandom(42);
  const pick = (from: number, to: number) => Math.floor(from + rand() * (to - from));
  const limit = 50;
  const fullPage: Check = (page) => (page.messages.length === limit ? undefined : `got ${page.messages.length} messages`);
  const cases: Array<{ query: string; make: () => { params: HistoryParams; check: Check } }> = [
    {
      query: 'newest page (limit 50)',
      make: () => ({
        params: { limit },
        check: (page) => fullPage(page) ?? (page.messages[0]?.id === ids[n - 1] ? undefined : 'first is not the newest message'),
      }),
    },
    {
      query: 'before, deep (10-20% from oldest)',
      make: () => {
        const at = pick(Math.floor(n * 0.1), Math.floor(n * 0.2));
        return {
          params: { before: ids[at], limit },
          check: (page) => fullPage(page) ?? (page.messages[0]?.id === ids[at - 1] ? undefined : 'wrong page'),
        };
      },
    },
    {
      query: 'after, near the start (first 1%)',
      make: () => {
        const at = pick(0, Math.floor(n * 0.01));
        return {
          params: { after: ids[at], limit },
          check: (page) => fullPage(page) ?? (page.messages.at(-1)?.id === ids[at + 1] ? undefined : 'wrong page'),
        };
      },
    },
    {
      query: 'around the middle',
      make: () => {
        const at = pick(Math.floor(n * 0.45), Math.floor(n * 0.55));
        return {
          params: { around: ids[at], limit },
          check: (page) => fullPage(page) ?? (page.messages.some((m) => m.id === ids[at]) ? undefined : 'cursor missing'),
        };
      },
    },
  ];

  const results: HistoryQueryResult[] = [];
  for (const c of cases) {
    const samples: number[] = [];
    const errors: Record<string, number> = {};
    let requests = 0;
    let deadline = Infinity;
    for (let r = 0; r < limits.warmup + limits.maxRequests && performance.now() < deadline; r++) {
      if (r === limits.warmup) deadline = performance.now() + limits.budgetMs;
      if (r >= limits.warmup) requests++;
      const { params, check } = c.make();
      const started = performance.now();
      let problem: string | undefined;
      try {
        const page = await client.messages.page(channelId, params, AbortSignal.timeout(30_000));
        const elapsed = performance.now() - started;
        problem = check(page);
        if (!problem && r >= limits.warmup) samples.push(elapsed);
      } catch (err) {
        problem = isChorusError(err) ? err.code : (err as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'FAILED';
      }
      if (problem) errors[problem] = (errors[problem] ?? 0) + 1;
    }
    results.push({ query: c.query, requests, latency: summarize(samples), errors });
  }
  return results;
}
