import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { AppError, createLogger, isRedisCluster, type RedisClient } from '@chorus/runtime';
import type { Message } from '@chorus/contracts';
import { createAdmission, type Admission, type AdmitResult, type MessageDraft } from '../src/send/admission.js';
import { channelSendKeys, slotOf, userSendKeys } from '../src/redis-keys.js';
import { loadLuaScript } from '../src/redis-script.js';
import { channelRoom } from '../src/types.js';
import { isolated } from '../../../test/support/isolated.js';
import { waitFor } from '../../../test/support/wait.js';
import { newId } from './support/stand-ins.js';

// The send admission's paths that only a Redis Cluster takes (admission as three calls: send-user.lua
// `admit`, send-channel.lua `assign`, send-user.lua `bind`), on whatever Redis the run has, and the
// composed script (send-one.lua, one Redis) held to the same outcomes as those split calls.

const iso = isolated('gw-admission-steps');
const logger = createLogger('admission-steps-test', 'silent');
const channelPrefix = `${iso.redisPrefix}socket.io`;
const onCluster = iso.redisClusterNodes !== undefined;
let redis: RedisClient;
let sub: RedisClient;

/** What a gateway subscribed to a channel's room would receive, in order, by shard channel. */
const received = new Map<string, string[]>();
const shard = (channelId: string) => `${channelPrefix}#/#${channelRoom(channelId)}#`;
const listen = async (channelId: string) => {
  const list: string[] = [];
  received.set(shard(channelId), list);
  await sub.ssubscribe(shard(channelId));
  return list;
};

beforeAll(() => {
  redis = iso.redis();
  sub = iso.redis();
  sub.on('smessage', (channel: string, payload: string) => received.get(channel)?.push(payload));
});

afterAll(async () => {
  sub.disconnect();
  redis.disconnect();
  await iso.cleanup();
});

type BeforeCall = (step: string, keys: string[]) => void | Promise<void>;

/**
 * The run's Redis as createAdmission sees it: with `asCluster`, a Cluster (it then takes the Cluster's
 * split path — separate script calls — on one Redis too; a Cluster run's client is one already). Every
 * script call (EVALSHA) is first shown to `before` with its step (ARGV[1]) and keys: what lets a test
 * change Redis between two calls of one send. Commands still go to the real Redis, unchanged.
 */
function observed(client: RedisClient, opts: { asCluster: boolean; before?: BeforeCall }): RedisClient {
  return new Proxy(client, {
    getPrototypeOf: (target) => (opts.asCluster ? Cluster.prototype : Reflect.getPrototypeOf(target)),
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== 'evalsha') return value.bind(target);
      return async (sha: string, numKeys: number, ...rest: (string | number)[]) => {
        await opts.before?.(String(rest[numKeys]), rest.slice(0, numKeys).map(String));
        return (value as (...args: unknown[]) => Promise<unknown>).call(target, sha, numKeys, ...rest);
      };
    },
  });
}

const options = (client: RedisClient, extra: { limit?: number; takeoverMs?: number } = {}) => ({
  redis: client,
  prefix: iso.redisPrefix,
  channelPrefix,
  limit: extra.limit ?? 10,
  windowMs: 60_000,
  pendingTtlMs: 15_000,
  ...(extra.takeoverMs === undefined ? {} : { takeoverMs: extra.takeoverMs }),
  logger,
});

const draftFor = (userId: string, channelId: string, nonce: string | undefined, content = 'hi'): MessageDraft => ({
  channelId,
  serverId: 'b'.repeat(24),
  author: { id: userId, username: 'ada', displayName: 'ada', avatarUrl: null },
  content,
  ...(nonce ? { nonce } : {}),
  editedAt: null,
  reactions: [],
});

/** The two ways a send is admitted: both run against each scenario below. */
const paths = [
  // On a Cluster run createAdmission splits here too (it never composes on a Cluster).
  { name: onCluster ? 'createAdmission as is (a Cluster: split)' : 'one call per step (send-one.lua)', asCluster: false },
  { name: 'split calls (send-user.lua admit, send-channel.lua assign, send-user.lua bind)', asCluster: true },
];

const inflight = (channelId: string) => redis.zrange(channelSendKeys(iso.redisPrefix, channelId).keys[1], 0, -1);
const rateCount = (userId: string) => redis.zcard(userSendKeys(iso.redisPrefix, userId, undefined)[0]);
const nonceValue = (userId: string, nonce: string) => redis.get(userSendKeys(iso.redisPrefix, userId, nonce)[1]);

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: unknown) => err,
  );

describe('a refused bind (split path: the reservation stopped being this send’s between admit and bind)', () => {
  const cases: { name: string; between: (nonceKey: string) => Promise<unknown>; after: 'ok' | 'pending' | 'duplicate' }[] = [
    {
      name: 'replaced by another send’s reservation',
      between: (key) => redis.set(key, `P:someone-else:${Date.now() + 60_000}`, 'PX', 15_000),
      after: 'pending',
    },
    { name: 'expired (gone)', between: (key) => redis.del(key), after: 'ok' },
    {
      name: 'replaced by a committed message',
      between: (key) =>
        redis.set(key, JSON.stringify({ ...draftFor(newId(), newId(), 'n'), id: 'c'.repeat(24), createdAt: new Date().toISOString() })),
      after: 'duplicate',
    },
    {
      name: 'the bind call itself failed (Redis error)',
      between: () => Promise.reject(new Error('connection lost')),
      after: 'ok',
    },
  ];

  it.each(cases)('$name: UNAVAILABLE, never published, the id leaves the channel, the slot is given back', async (c) => {
    const user = newId();
    const channelId = newId();
    const got = await listen(channelId);
    const nonceKey = userSendKeys(iso.redisPrefix, user, 'n')[1];
    let armed = true;
    const steps: string[] = [];
    const gateway = createAdmission(
      options(
        observed(redis, {
          asCluster: true,
          before: async (step) => {
            steps.push(step);
            if (step !== 'bind' || !armed) return;
            armed = false;
            await c.between(nonceKey);
          },
        }),
      ),
    );
    const err = await rejection(gateway.admit(user, channelId, 'n', draftFor(user, channelId, 'n')));
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('UNAVAILABLE');
    // admit, assign, bind (refused), then its release: the user half and the channel half.
    expect(steps.slice(0, 3)).toEqual(['admit', 'assign', 'bind']);
    expect([...steps.slice(3)].sort()).toEqual(['release', 'release']);
    expect(await inflight(channelId)).toEqual([]);
    expect(await rateCount(user)).toBe(0);
    // What replaced the reservation is left as it is; the retry meets it.
    const retry = await createAdmission(options(redis)).admit(user, channelId, 'n', draftFor(user, channelId, 'n'));
    expect(retry.kind).toBe(c.after);
    // The refused id never holds the channel: another send goes out at once, and alone.
    const other = newId();
    const next = await createAdmission(options(redis)).admit(other, channelId, undefined, draftFor(other, channelId, undefined));
    if (next.kind !== 'ok') throw new Error(`not admitted: ${next.kind}`);
    if (retry.kind === 'ok') await createAdmission(options(redis)).release(user, channelId, retry.id, 'n');
    const parked = await gateway.commit(
      other,
      undefined,
      { ...draftFor(other, channelId, undefined), id: next.id, createdAt: next.createdAt },
      `payload:${next.id}`,
    );
    expect(parked).toBe(0);
    await waitFor(() => got.length === 1, 'the other send broadcast');
    expect(got).toEqual([`payload:${next.id}`]);
  });
});

describe.each(paths)('a reservation past its takeover deadline, retried through $name', ({ asCluster }) => {
  const userScript = () => loadLuaScript(redis, new URL('../src/send/send-user.lua', import.meta.url));
  const channelScript = () => loadLuaScript(redis, new URL('../src/send/send-channel.lua', import.meta.url));
  /** A gateway that dies mid-send: its steps, run one by one (a deadline 1 ms after each). */
  const dying = (user: string, channelId: string, nonce: string) => {
    const keys = userSendKeys(iso.redisPrefix, user, nonce);
    return {
      admit: async () => expect(await userScript().run(keys, ['admit', 10, 60_000, 15_000, '1', 'dead-ticket', 1])).toEqual(['ok']),
      assign: async () => {
        const [id, nowMs] = (await channelScript().run(channelSendKeys(iso.redisPrefix, channelId).keys, [
          'assign',
          7,
          slotOf(channelId),
        ])) as string[];
        return { id: id!, createdAt: new Date(Number(nowMs)).toISOString(), nowMs: nowMs! };
      },
      bind: async (id: string, nowMs: string, draft: MessageDraft) =>
        expect(await userScript().run(keys, ['bind', 'dead-ticket', id, nowMs, 1, 15_000, JSON.stringify(draft)])).toBe(1),
    };
  };
  const retryUntilSettled = (gateway: Admission, user: string, channelId: string, nonce: string, draft: MessageDraft) =>
    waitFor(async () => {
      const r = await gateway.admit(user, channelId, nonce, draft);
      return r.kind === 'pending' ? undefined : r;
    }, 'the reservation’s takeover deadline to pass');

  it('unbound (the gateway died before bind: never published): the retry is admitted as a fresh send', async () => {
    const user = newId();
    const channelId = newId();
    const gateway = createAdmission(options(observed(redis, { asCluster })));
    const dead = dying(user, channelId, 'n');
    await dead.admit();
    const deadId = (await dead.assign()).id; // it even got its id, and died before binding it
    const draft = draftFor(user, channelId, 'n', 'the retry');
    const retry = await retryUntilSettled(gateway, user, channelId, 'n', draft);
    if (retry.kind !== 'ok') throw new Error(`expected a fresh admission, got ${retry.kind}`);
    expect(retry.id > deadId).toBe(true);
    // The reservation is the retry's now, bound to its id: a second retry waits, its commit replays it.
    expect(await gateway.admit(user, channelId, 'n', draft)).toEqual({ kind: 'pending' });
    const message: Message = { ...draft, id: retry.id, createdAt: retry.createdAt };
    await gateway.commit(user, 'n', message, 'b');
    expect(await gateway.admit(user, channelId, 'n', draft)).toEqual({ kind: 'duplicate', message });
    // The dead send's rate slot stays taken until its window passes (it is not known never to have run).
    expect(await rateCount(user)).toBe(2);
  });

  it('bound (the gateway died after bind, perhaps after publishing): the retry takes the same message over', async () => {
    const user = newId();
    const channelId = newId();
    const gateway = createAdmission(options(observed(redis, { asCluster })));
    const dead = dying(user, channelId, 'n');
    const draft = draftFor(user, channelId, 'n', 'the original');
    await dead.admit();
    const { id, createdAt, nowMs } = await dead.assign();
    await dead.bind(id, nowMs, draft);
    const takeover = await retryUntilSettled(gateway, user, channelId, 'n', { ...draft, content: 'edited in the retry' });
    const original: Message = { ...draft, id, createdAt };
    expect(takeover).toEqual({ kind: 'republish', message: original });
    expect(await gateway.admit(user, channelId, 'n', draft)).toEqual({ kind: 'pending' });
    await gateway.commit(user, 'n', original, 'b');
    expect(await gateway.admit(user, channelId, 'n', draft)).toEqual({ kind: 'duplicate', message: original });
    expect(await rateCount(user)).toBe(1);
  });
});

describe('one call (send-one.lua) and split calls give the same outcomes for the same sequence', () => {
  /** What a step returned, with ids replaced by the labels the scenario gave them. */
  type Outcome = string | number | { kind: string; message?: string };
  interface Ctx {
    g: Admission;
    users: Record<'u1' | 'u2', string>;
    channelId: string;
    /** label -> the message its admission made (id and createdAt from Redis). */
    messages: Map<string, Message>;
  }
  type Row = [does: string, run: (c: Ctx) => Promise<AdmitResult | number>, expected: Outcome];

  const admit =
    (who: 'u1' | 'u2', nonce: string | undefined, label?: string) =>
    async (c: Ctx): Promise<AdmitResult> => {
      const draft = draftFor(c.users[who], c.channelId, nonce, label ?? 'x');
      const r = await c.g.admit(c.users[who], c.channelId, nonce, draft);
      if (r.kind === 'ok' && label) c.messages.set(label, { ...draft, id: r.id, createdAt: r.createdAt });
      return r;
    };
  const settle =
    (how: 'commit' | 'unknown' | 'release', who: 'u1' | 'u2', label: string) =>
    (c: Ctx): Promise<number> => {
      const m = c.messages.get(label)!;
      const user = c.users[who];
      if (how === 'commit') return c.g.commit(user, m.nonce, m, `payload:${label}`);
      if (how === 'unknown') return c.g.unknown(user, m.nonce, m);
      return c.g.release(user, c.channelId, m.id, m.nonce);
    };

  // Limit 3 per user; every row's outcome is what the step must return on both paths.
  const rows: Row[] = [
    ['u1 sends with n1', admit('u1', 'n1', 'A'), 'ok A'],
    ['u1 repeats n1 while in flight', admit('u1', 'n1'), { kind: 'pending' }],
    ['A is confirmed', settle('commit', 'u1', 'A'), 0],
    ['u1 repeats n1', admit('u1', 'n1'), { kind: 'duplicate', message: 'A' }],
    ['u1 sends with n2', admit('u1', 'n2', 'B'), 'ok B'],
    ['B is refused by the broker', settle('release', 'u1', 'B'), 0],
    ['u1 retries n2: a fresh send', admit('u1', 'n2', 'C'), 'ok C'],
    ['C’s confirm never comes', settle('unknown', 'u1', 'C'), 0],
    ['u1 retries n2: republish C', admit('u1', 'n2'), { kind: 'republish', message: 'C' }],
    ['u1 retries n2 again while republishing', admit('u1', 'n2'), { kind: 'pending' }],
    ['the republished C is confirmed', settle('commit', 'u1', 'C'), 0],
    ['u1 repeats n2', admit('u1', 'n2'), { kind: 'duplicate', message: 'C' }],
    ['u1 sends without a nonce (its 3rd slot: A, C, D)', admit('u1', undefined, 'D'), 'ok D'],
    ['u1 sends with n3', admit('u1', 'n3'), { kind: 'limited' }],
    ['u1 repeats n1 while limited', admit('u1', 'n1'), { kind: 'duplicate', message: 'A' }],
    ['u2 sends with n1 (another user’s nonce)', admit('u2', 'n1', 'E'), 'ok E'],
    ['u2 sends with n4', admit('u2', 'n4', 'F'), 'ok F'],
    ['F is confirmed first: parked behind D and E', settle('commit', 'u2', 'F'), 1],
    ['D is confirmed: published, F still behind E', settle('commit', 'u1', 'D'), 1],
    ['E is refused: F goes', settle('release', 'u2', 'E'), 0],
    ['u2 retries n1: a fresh send', admit('u2', 'n1', 'G'), 'ok G'],
    ['G’s confirm never comes', settle('unknown', 'u2', 'G'), 0],
  ];

  /** The send keys' state, ids as labels: nonce values by kind, rate slots, in-flight ids, parked payloads. */
  const snapshot = async (c: Ctx) => {
    const label = (id: string | undefined) => [...c.messages].find(([, m]) => m.id === id)?.[0] ?? id;
    const nonce = async (who: 'u1' | 'u2', n: string) => {
      const v = await nonceValue(c.users[who], n);
      if (v === null) return '-';
      if (v.startsWith('P:')) {
        const parts = v.split(':');
        return parts.length > 3 ? `P bound ${label(parts[3])}` : 'P';
      }
      if (v.startsWith('U:') || v.startsWith('R:')) return `${v.slice(0, 1)} ${label((JSON.parse(v.slice(v.indexOf('{'))) as Message).id)}`;
      return `message ${label((JSON.parse(v) as Message).id)}`;
    };
    const { keys } = channelSendKeys(iso.redisPrefix, c.channelId);
    return {
      nonces: [await nonce('u1', 'n1'), await nonce('u1', 'n2'), await nonce('u1', 'n3'), await nonce('u2', 'n1'), await nonce('u2', 'n4')],
      rate: [await rateCount(c.users.u1), await rateCount(c.users.u2)],
      inflight: (await redis.zrange(keys[1], 0, -1)).map(label),
      parked: (await redis.hkeys(keys[2])).map(label).sort(),
    };
  };

  const runs = new Map<string, { outcomes: Outcome[]; states: unknown[]; broadcast: string[] }>();

  it.each(paths)('$name', async ({ name, asCluster }) => {
    const steps: string[] = [];
    const client = observed(redis, { asCluster, before: (step) => void steps.push(step) });
    const c: Ctx = {
      g: createAdmission(options(client, { limit: 3 })),
      users: { u1: newId(), u2: newId() },
      channelId: newId(),
      messages: new Map(),
    };
    const got = await listen(c.channelId);
    const outcomes: Outcome[] = [];
    const states: unknown[] = [];
    for (const [does, run, expected] of rows) {
      steps.length = 0;
      const r = await run(c);
      const label = (m: { id: string }) => [...c.messages].find(([, x]) => x.id === m.id)?.[0] ?? m.id;
      let outcome: Outcome;
      if (typeof r === 'number') outcome = r;
      else if (r.kind === 'ok') outcome = `ok ${label(r)}`;
      else if (r.kind === 'duplicate' || r.kind === 'republish') {
        // The very message the nonce stood for, not merely its id.
        expect(r.message, does).toEqual(c.messages.get(label(r.message)));
        outcome = { kind: r.kind, message: label(r.message) };
      } else {
        if (r.kind === 'limited') expect(r.retryAfterMs).toBeGreaterThan(0);
        outcome = { kind: r.kind };
      }
      expect(outcome, does).toEqual(expected);
      // The script calls the step took: one per step on one Redis; admit, assign (and bind) when split.
      const split = asCluster || onCluster;
      if (!split) expect(steps, does).toHaveLength(1);
      else if (typeof r !== 'number' && r.kind === 'ok')
        expect(steps, does).toEqual(c.messages.get(label(r))!.nonce ? ['admit', 'assign', 'bind'] : ['admit', 'assign']);
      else if (typeof r !== 'number') expect(steps, does).toEqual(['admit']);
      outcomes.push(outcome);
      states.push(await snapshot(c));
    }
    // Published by Redis in id order: A; C when its republish was confirmed (no longer in flight); then D, F.
    await waitFor(() => got.length === 4, 'four broadcasts');
    expect(got).toEqual(['payload:A', 'payload:C', 'payload:D', 'payload:F']);
    expect(await snapshot(c)).toEqual({
      nonces: ['message A', 'message C', '-', 'U G', 'message F'],
      rate: [3, 2],
      inflight: [],
      parked: [],
    });
    runs.set(name, { outcomes, states, broadcast: got });
  });

  it('both left Redis in the same state after every step', () => {
    const [a, b] = paths.map((p) => runs.get(p.name));
    expect(a).toBeDefined();
    expect(b).toEqual(a);
  });
});

it('the split client is seen as a Cluster, the other as what the run has', () => {
  expect(isRedisCluster(observed(redis, { asCluster: true }))).toBe(true);
  expect(isRedisCluster(observed(redis, { asCluster: false }))).toBe(onCluster);
});
