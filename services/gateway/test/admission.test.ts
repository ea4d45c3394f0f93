import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type RedisClient } from '@chorus/runtime';
import type { Message } from '@chorus/contracts';
import { createAdmission, type Admission } from '../src/send/admission.js';
import { channelSendKeys, slotOf, userSendKeys } from '../src/redis-keys.js';
import { channelRoom } from '../src/types.js';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { newId } from './support/stand-ins.js';

const iso = isolated('gw-admission');
const logger = createLogger('admission-test', 'silent');
let redisA: RedisClient;
let redisB: RedisClient;
let gatewayA: Admission;
let gatewayB: Admission;

const channelPrefix = `${iso.redisPrefix}socket.io`;
const options = (redis: RedisClient) => ({
  redis,
  prefix: iso.redisPrefix,
  channelPrefix,
  limit: 10,
  windowMs: 60_000,
  pendingTtlMs: 15_000,
  logger,
});

/** The channel every send here goes to, unless a test says otherwise. */
const room = newId();

const messageFor = (id: string, userId: string, nonce: string | undefined, channelId = room): Message => ({
  id,
  channelId,
  serverId: newId(),
  author: { id: userId, username: 'ada', displayName: 'ada', avatarUrl: null },
  content: 'hi',
  ...(nonce ? { nonce } : {}),
  createdAt: new Date().toISOString(),
  editedAt: null,
  reactions: [],
});

beforeAll(() => {
  // Two clients stand for two gateways: everything is decided in Redis, not in the process.
  redisA = iso.redis();
  redisB = iso.redis();
  gatewayA = createAdmission(options(redisA));
  gatewayB = createAdmission(options(redisB));
});

afterAll(async () => {
  redisA.disconnect();
  redisB.disconnect();
  await iso.cleanup();
});

describe('send admission (a user script, then a channel script)', () => {
  it('assigns 24-hex ids that strictly increase within a channel across gateways, seconds from Redis TIME first', async () => {
    const users = Array.from({ length: 5 }, () => newId());
    const seenBy: [string[], string[]] = [[], []];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const g = (i % 2) as 0 | 1;
        const r = await (g === 0 ? gatewayA : gatewayB).admit(users[i % users.length]!, room, undefined);
        if (r.kind !== 'ok') throw new Error(`not admitted: ${r.kind}`);
        seenBy[g]!.push(r.id);
        expect(r.id).toMatch(/^[0-9a-f]{24}$/);
        const seconds = parseInt(r.id.slice(0, 8), 16);
        expect(Math.abs(seconds - Math.floor(Date.parse(r.createdAt) / 1000))).toBeLessThanOrEqual(1);
      }),
    );
    // Each connection gets its replies in the order Redis ran the scripts: what each gateway saw is
    // strictly increasing, and ordering all ids as strings agrees with the order of the slot's sequence.
    for (const ids of seenBy) expect([...ids].sort()).toEqual(ids);
    const all = [...seenBy[0], ...seenBy[1]].sort();
    expect(new Set(all).size).toBe(40);
    const seq = all.map((id) => BigInt(`0x${id.slice(8)}`));
    for (let i = 1; i < seq.length; i++) expect(seq[i]! > seq[i - 1]!).toBe(true);
    // The id carries the channel's hash slot (the clock is per slot, not per fleet).
    for (const id of all) expect(parseInt(id.slice(8, 12), 16)).toBe(slotOf(room));
  });

  it('ids of channels on different slots are unique too: the slot is part of the id', async () => {
    const channels = Array.from({ length: 6 }, () => newId());
    const ids = await Promise.all(
      channels.flatMap((channelId) =>
        [gatewayA, gatewayB].map(async (g) => {
          const r = await g.admit(newId(), channelId, undefined);
          if (r.kind !== 'ok') throw new Error(`not admitted: ${r.kind}`);
          expect(parseInt(r.id.slice(8, 12), 16)).toBe(slotOf(channelId));
          return r.id;
        }),
      ),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses the 11th send in the window with retryAfterMs, whichever gateway it reaches, and records nothing for it', async () => {
    const user = newId();
    for (let i = 0; i < 10; i++) {
      const r = await (i % 2 ? gatewayA : gatewayB).admit(user, room, undefined);
      expect(r.kind).toBe('ok');
    }
    const eleventh = await gatewayA.admit(user, room, undefined);
    expect(eleventh.kind).toBe('limited');
    if (eleventh.kind === 'limited') {
      expect(eleventh.retryAfterMs).toBeGreaterThan(0);
      expect(eleventh.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    expect(await redisA.zcard(userSendKeys(iso.redisPrefix, user, undefined)[0])).toBe(10);
  });

  it('reserves a nonce while in flight, replays it once committed, on the other gateway too', async () => {
    const user = newId();
    const first = await gatewayA.admit(user, room, 'n-1');
    expect(first.kind).toBe('ok');
    if (first.kind !== 'ok') return;
    expect(await gatewayB.admit(user, room, 'n-1')).toEqual({ kind: 'pending' });
    const message = messageFor(first.id, user, 'n-1');
    await gatewayA.commit(user, 'n-1', message, 'b');
    expect(await gatewayB.admit(user, room, 'n-1')).toEqual({ kind: 'duplicate', message });
    // the same nonce from another user is a different send
    expect((await gatewayB.admit(newId(), room, 'n-1')).kind).toBe('ok');
    // replays do not count toward the limit: only the first admission holds a slot
    expect(await redisA.zcard(userSendKeys(iso.redisPrefix, user, undefined)[0])).toBe(1);
    expect(await redisA.ttl(userSendKeys(iso.redisPrefix, user, 'n-1')[1])).toBeGreaterThan(590);
  });

  it('gives back the slot and the nonce when the send could not be published, so a retry works', async () => {
    const user = newId();
    for (let i = 0; i < 9; i++) expect((await gatewayA.admit(user, room, undefined)).kind).toBe('ok');
    const tenth = await gatewayA.admit(user, room, 'retry-me');
    expect(tenth.kind).toBe('ok');
    if (tenth.kind !== 'ok') return;
    expect((await gatewayB.admit(user, room, 'other')).kind).toBe('limited');
    await gatewayA.release(user, room, tenth.id, 'retry-me');
    const retry = await gatewayB.admit(user, room, 'retry-me');
    expect(retry.kind).toBe('ok');
    if (retry.kind === 'ok') expect(retry.id > tenth.id).toBe(true);
  });

  it('a late release never deletes a reservation or message that is not its own', async () => {
    const user = newId();
    const first = await gatewayA.admit(user, room, 'mine');
    if (first.kind !== 'ok') throw new Error('not admitted');
    const message = messageFor(first.id, user, 'mine');
    await gatewayA.commit(user, 'mine', message, 'b');
    await gatewayB.release(user, room, 'ffffffffffffffffffffffff', 'mine');
    expect(await gatewayB.admit(user, room, 'mine')).toEqual({ kind: 'duplicate', message });
  });

  it('a lost confirm keeps the nonce: the retry republishes the same message (once), then it replays', async () => {
    const user = newId();
    const first = await gatewayA.admit(user, room, 'lost');
    if (first.kind !== 'ok') throw new Error('not admitted');
    const message = messageFor(first.id, user, 'lost');
    await gatewayA.unknown(user, 'lost', message);
    // Any gateway: the retry gets the original to publish again, not a new id; a concurrent retry waits.
    expect(await gatewayB.admit(user, room, 'lost')).toEqual({ kind: 'republish', message });
    expect(await gatewayA.admit(user, room, 'lost')).toEqual({ kind: 'pending' });
    await gatewayB.commit(user, 'lost', message, 'b');
    expect(await gatewayA.admit(user, room, 'lost')).toEqual({ kind: 'duplicate', message });
    // the slot stays taken (it may be a real message), and nothing else was admitted for it
    expect(await redisA.zcard(userSendKeys(iso.redisPrefix, user, undefined)[0])).toBe(1);
  });

  it('a reservation nobody settles (its gateway died mid-send) is taken over by a retry: the same message, not a second one', async () => {
    const user = newId();
    // Gateways that give up on an unsettled reservation after 300 ms instead of 6 s.
    const [dying, retrying] = [redisA, redisB].map((r) => createAdmission({ ...options(r), takeoverMs: 300 }));
    const { id: _id, createdAt: _at, ...draft } = messageFor('0'.repeat(24), user, 'orphan');
    const first = await dying!.admit(user, room, 'orphan', draft);
    if (first.kind !== 'ok') throw new Error('not admitted');
    // Its publish may have left; its gateway never comes back to commit, release or mark it unknown.
    expect(await retrying!.admit(user, room, 'orphan', draft)).toEqual({ kind: 'pending' });
    const original: Message = { ...draft, id: first.id, createdAt: first.createdAt };
    const takeover = await waitFor(async () => {
      const r = await retrying!.admit(user, room, 'orphan', { ...draft, content: 'edited while retrying' });
      return r.kind === 'pending' ? undefined : r;
    }, 'the reservation to be taken over');
    expect(takeover).toEqual({ kind: 'republish', message: original });
    // The taker now owns it: a concurrent retry waits, and its commit makes the nonce replay the original.
    expect(await dying!.admit(user, room, 'orphan', draft)).toEqual({ kind: 'pending' });
    await retrying!.commit(user, 'orphan', original, 'b');
    expect(await dying!.admit(user, room, 'orphan', draft)).toEqual({ kind: 'duplicate', message: original });
    expect(await redisA.zcard(userSendKeys(iso.redisPrefix, user, undefined)[0])).toBe(1);
  });

  it('without a draft (or before the takeover time) a reservation stays pending', async () => {
    const user = newId();
    const first = await gatewayA.admit(user, room, 'no-draft');
    if (first.kind !== 'ok') throw new Error('not admitted');
    const quick = createAdmission({ ...options(redisB), takeoverMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(await quick.admit(user, room, 'no-draft')).toEqual({ kind: 'pending' });
    await gatewayA.release(user, room, first.id, 'no-draft');
    expect((await quick.admit(user, room, 'no-draft')).kind).toBe('ok');
  });

  it('a republish that fails again goes back to unknown, so the next retry republishes again', async () => {
    const user = newId();
    const first = await gatewayA.admit(user, room, 'twice');
    if (first.kind !== 'ok') throw new Error('not admitted');
    const message = messageFor(first.id, user, 'twice');
    await gatewayA.unknown(user, 'twice', message);
    expect(await gatewayB.admit(user, room, 'twice')).toEqual({ kind: 'republish', message });
    await gatewayB.unknown(user, 'twice', message);
    expect(await gatewayA.admit(user, room, 'twice')).toEqual({ kind: 'republish', message });
  });

  describe('broadcast order per channel (the reorder buffer in Redis)', () => {
    let sub: RedisClient;
    /** What a gateway subscribed to the channel's room would receive, in order. */
    const received = new Map<string, string[]>();
    beforeAll(() => {
      sub = iso.redis();
      sub.on('smessage', (channel: string, payload: string) => {
        const list = received.get(channel) ?? [];
        list.push(payload);
        received.set(channel, list);
      });
    });
    afterAll(() => sub.disconnect());

    const shard = (channelId: string) => `${channelPrefix}#/#${channelRoom(channelId)}#`;
    const inflight = (channelId: string) => channelSendKeys(iso.redisPrefix, channelId).keys[1];
    const listen = async (channelId: string) => {
      await sub.ssubscribe(shard(channelId));
      return received.get(shard(channelId)) ?? (received.set(shard(channelId), []).get(shard(channelId)) as string[]);
    };
    const admitted = async (g: Admission, channelId: string) => {
      const r = await g.admit(newId(), channelId, undefined);
      if (r.kind !== 'ok') throw new Error(`not admitted: ${r.kind}`);
      return r.id;
    };
    const commit = (g: Admission, id: string, channelId: string) =>
      g.commit(newId(), undefined, messageFor(id, newId(), undefined, channelId), `payload:${id}`);

    it('publishes a channel in id order whichever gateway confirms first, parking later ids', async () => {
      const channelId = newId();
      const got = await listen(channelId);
      const a = await admitted(gatewayA, channelId);
      const b = await admitted(gatewayB, channelId);
      const c = await admitted(gatewayA, channelId);
      expect(await commit(gatewayB, c, channelId)).toBe(1); // confirmed first, but a and b are older: parked
      expect(await commit(gatewayA, b, channelId)).toBe(2);
      expect(await commit(gatewayB, a, channelId)).toBe(0); // a goes, and takes b and c with it
      await waitFor(() => got.length === 3, 'three broadcasts');
      expect(got).toEqual([`payload:${a}`, `payload:${b}`, `payload:${c}`]);
      expect(await redisA.zcard(inflight(channelId))).toBe(0);
      // Another channel never waits on this one.
      const other = newId();
      const otherGot = await listen(other);
      await admitted(gatewayA, channelId); // in flight in the first channel
      const x = await admitted(gatewayB, other);
      expect(await commit(gatewayB, x, other)).toBe(0);
      await waitFor(() => otherGot.length === 1, 'the other channel');
    });

    it('a refused send or an unknown outcome stops holding the channel at once', async () => {
      const channelId = newId();
      const got = await listen(channelId);
      const a = await admitted(gatewayA, channelId);
      const b = await admitted(gatewayB, channelId);
      const c = await admitted(gatewayB, channelId);
      expect(await commit(gatewayB, c, channelId)).toBe(1);
      expect(await gatewayA.release(newId(), channelId, a, undefined)).toBe(1); // b still in flight
      expect(await gatewayB.unknown(newId(), undefined, messageFor(b, newId(), undefined, channelId))).toBe(0);
      await waitFor(() => got.length === 1, 'c broadcast');
      expect(got).toEqual([`payload:${c}`]);
    });

    it('an id whose gateway died holds the channel only for the hold time; a late or republished id goes at once', async () => {
      const channelId = newId();
      const got = await listen(channelId);
      // Admitted long ago and never committed: its gateway died between admission and commit.
      const abandoned = `${(Math.floor(Date.now() / 1000) - 60).toString(16).padStart(8, '0')}${'0'.repeat(16)}`;
      await redisA.zadd(inflight(channelId), 0, abandoned);
      const live = `${Math.floor(Date.now() / 1000)
        .toString(16)
        .padStart(8, '0')}${'0'.repeat(15)}1`;
      await redisA.zadd(inflight(channelId), 0, live);
      const c = await admitted(gatewayA, channelId);
      expect(await commit(gatewayA, c, channelId)).toBe(1); // the abandoned one is dropped; `live` is recent
      await redisA.zrem(inflight(channelId), live); // as if it were abandoned too
      expect(await gatewayB.flush(channelId)).toBe(0);
      // An id no longer in flight (republished, or dropped as abandoned) is published on commit.
      expect(await commit(gatewayB, abandoned, channelId)).toBe(0);
      await waitFor(() => got.length === 2, 'both broadcasts');
      expect(got).toEqual([`payload:${c}`, `payload:${abandoned}`]);
    });
  });
});
