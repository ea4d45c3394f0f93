import mongoose, { Types } from 'mongoose';
import { HistoryPage, ReadStatesResponse } from '@chorus/contracts';
import { messageModels, type MessageDoc } from '../services/history/src/messages/message.schema.js';
import { reactionId, reactionModel } from '../services/history/src/reactions/reaction.schema.js';
import type { BenchUser } from './chorus.js';
import type { HistoryQueryResult } from './history.js';
import { summarize } from './stats.js';

export interface EngagementBenchResult {
  messagesPerChannel: number;
  serverChannels: number;
  /** Documents in history's messages collection while measuring (the stand-in scans it per query). */
  collectionSize: number;
  budgetMsPerQuery: number;
  queries: HistoryQueryResult[];
}

const EMOJI = ['👍', '🎉', '❤️'] as const;
const PAGE = 50;

/** Messages of one channel straight into history's database, ids increasing like the fleet's (see history.ts). */
function messageDocs(
  channelId: string,
  serverId: string,
  author: BenchUser,
  count: number,
  base: number,
  reactions: boolean,
  mention?: string,
) {
  const firstSecond = Math.floor(Date.now() / 1000) - 2 * 24 * 3600;
  const docs: MessageDoc[] = [];
  for (let i = 0; i < count; i++) {
    const seq = base + i + 1;
    const hex = (firstSecond + Math.floor(seq / 1000)).toString(16).padStart(8, '0') + seq.toString(16).padStart(16, '0');
    const mentions = mention && i % 10 === 0 ? [new Types.ObjectId(mention)] : undefined;
    docs.push({
      _id: new Types.ObjectId(hex),
      channelId: new Types.ObjectId(channelId),
      serverId: new Types.ObjectId(serverId),
      author: { id: new Types.ObjectId(author.id), username: author.username },
      content: mentions ? `ping <@${mention}> ${i}` : `engagement message ${i}`,
      createdAt: new Date((firstSecond + Math.floor(seq / 1000)) * 1000),
      editedAt: null,
      deletedAt: null,
      ...(reactions ? { reactions: EMOJI.map((emoji, k) => ({ emoji, count: 5 - 2 * k })) } : {}),
      ...(mentions ? { mentions } : {}),
    });
  }
  return docs;
}

/**
 * SPEC 12/13 read paths beside the plain page: a channel whose every message carries three reactions
 * (the reader reacted with one on each, so `me` is looked up for all 50) against a plain channel of the
 * same size, and `GET /api/users/@me/read-states` for a server of 50 channels that all have 150 unread
 * messages (every 10th mentions the reader) — the capped counts of every channel, the worst case.
 */
export async function benchEngagement(opts: {
  edgeUrl: string;
  historyUrl: string;
  historyDbUri: string;
  reader: BenchUser;
  author: BenchUser;
  budgetMs: number;
  log: (line: string) => void;
}): Promise<EngagementBenchResult> {
  const { reader, author } = opts;
  const server = await reader.client.servers.create({ name: 'bench engagement' });
  const channelIds = [server.channels[0]!.id];
  for (let c = 1; c < 50; c++) channelIds.push((await reader.client.channels.create(server.id, { name: `e-${c}` })).id);
  await author.client.members.join(server.id);
  // All 50 channels are unread for the reader: two of 1,000 messages (plain / with reactions), 48 of 150.
  const [plain, reacted, ...others] = channelIds;

  const perChannel = 1_000;
  const conn = await mongoose.createConnection(opts.historyDbUri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  let collectionSize = 0;
  try {
    const { Message } = messageModels(conn);
    await Message.collection.insertMany(messageDocs(plain!, server.id, author, perChannel, 0, false), { ordered: false });
    const withReactions = messageDocs(reacted!, server.id, author, perChannel, perChannel, true);
    await Message.collection.insertMany(withReactions, { ordered: false });
    await reactionModel(conn).collection.insertMany(
      withReactions.map((d) => ({
        _id: reactionId(d._id.toHexString(), reader.id, '👍'),
        messageId: d._id,
        channelId: d.channelId,
        userId: new Types.ObjectId(reader.id),
        emoji: '👍',
        createdAt: new Date(),
      })) as never[],
      { ordered: false },
    );
    let base = 2 * perChannel;
    for (const c of others) {
      await Message.collection.insertMany(messageDocs(c, server.id, author, 150, base, false, reader.id), { ordered: false });
      base += 150;
    }
    collectionSize = await Message.collection.estimatedDocumentCount();
  } finally {
    await conn.close();
  }
  opts.log(`engagement: seeded; ${collectionSize} messages in history's collection`);

  // The measured GETs go straight to the history service with the reader's access token (from its client session).
  const token = await reader.client.http.accessToken();
  const get = (path: string) =>
    fetch(`${opts.historyUrl}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
  const checkPage = (withReactions: boolean) => (body: unknown) => {
    const page = HistoryPage.parse(body);
    if (page.messages.length !== PAGE) return `got ${page.messages.length} messages`;
    if (withReactions && !page.messages.every((m) => m.reactions.length === 3 && m.reactions[0]!.me)) return 'reactions missing';
    return undefined;
  };
  const cases: Array<{ query: string; path: string; check: (body: unknown) => string | undefined }> = [
    { query: 'plain page (limit 50)', path: `/api/channels/${plain}/messages?limit=${PAGE}`, check: checkPage(false) },
    { query: 'page with 3 reactions on every message', path: `/api/channels/${reacted}/messages?limit=${PAGE}`, check: checkPage(true) },
    {
      query: 'read-states, server of 50 channels (all 100+ unread)',
      path: `/api/users/@me/read-states?serverId=${server.id}`,
      check: (body) => {
        const states = ReadStatesResponse.parse(body).readStates;
        const right = states.every((s) => s.unreadCount === 100 && s.mentionCount === (others.includes(s.channelId) ? 15 : 0));
        return states.length === 50 && right ? undefined : 'wrong counts';
      },
    },
  ];
  const queries: HistoryQueryResult[] = [];
  for (const c of cases) queries.push(await measure(c, get, opts.budgetMs));
  return { messagesPerChannel: perChannel, serverChannels: channelIds.length, collectionSize, budgetMsPerQuery: opts.budgetMs, queries };
}

/** Sequential requests (2 warm-up, then until the budget or 200 requests); a wrong answer is an error, not a sample. */
async function measure(
  c: { query: string; path: string; check: (body: unknown) => string | undefined },
  get: (path: string) => Promise<Response>,
  budgetMs: number,
): Promise<HistoryQueryResult> {
  const samples: number[] = [];
  const errors: Record<string, number> = {};
  let requests = 0;
  let deadline = Infinity;
  for (let r = 0; r < 2 + 200 && performance.now() < deadline; r++) {
    if (r === 2) deadline = performance.now() + budgetMs;
    const started = performance.now();
    let problem: string | undefined;
    let elapsed = 0;
    try {
      const res = await get(c.path);
      const text = await res.text();
      elapsed = performance.now() - started;
      problem = res.ok ? c.check(JSON.parse(text)) : `HTTP_${res.status}`;
    } catch (err) {
      problem = (err as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'FAILED';
    }
    if (r < 2) continue;
    requests++;
    if (problem) errors[problem] = (errors[problem] ?? 0) + 1;
    else samples.push(elapsed);
  }
  return { query: c.query, requests, latency: summarize(samples), errors };
}
