import { describe, expect, it, vi } from 'vitest';
import { AppError, PublishOutcomeUnknown, createLogger, type EventPublisher } from '@chorus/runtime';
import type { AnyEnvelope, Message } from '@chorus/contracts';
import type { Admission, AdmitResult } from './admission.js';
import { createInFlight } from './inflight.js';
import { createFlushTimers, createSendMessage, type SendDeps } from './send-message.js';

const user = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', username: 'ada', displayName: 'Ada', avatarUrl: null };
const channel = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', serverId: 'cccccccccccccccccccccccc', name: 'general' };
const admittedId = '6740a1b2000000000000002a';
/** The message a nonce already stands for (sent earlier, through any gateway). */
const original = {
  id: admittedId,
  channelId: channel.id,
  serverId: channel.serverId,
  author: user,
  content: 'first',
  nonce: 'n',
  createdAt: '2026-11-21T14:00:00.000Z',
  editedAt: null,
  reactions: [],
};

function setup(
  overrides: Partial<SendDeps> = {},
  admits: AdmitResult[] = [{ kind: 'ok', id: admittedId, createdAt: '2026-11-21T14:00:00.000Z' }],
) {
  const published: AnyEnvelope[] = [];
  const admission = {
    admit: vi.fn(async () => admits.shift() ?? { kind: 'pending' as const }),
    release: vi.fn(async () => 0),
    commit: vi.fn(async (_u: string, _n: string | undefined, _m: Message, _p: string) => 0),
    unknown: vi.fn(async () => 0),
    flush: vi.fn(async () => 0),
  } satisfies Admission;
  const publisher: EventPublisher = {
    inFlight: 0,
    isUp: () => true,
    publish: vi.fn(async (e: AnyEnvelope) => {
      published.push(e);
    }) as EventPublisher['publish'],
    close: async () => undefined,
  };
  const parked = vi.fn((_channelId: string) => undefined);
  const outcomes: string[] = [];
  const deps: SendDeps = {
    authorize: async () => channel,
    admission,
    publisher,
    encodeBroadcast: (m) => `broadcast:${m.id}`,
    parked,
    inFlight: createInFlight(),
    accepting: () => true,
    logger: createLogger('test', 'silent'),
    count: (o) => void outcomes.push(o),
    pendingWaitMs: 50,
    sleep: async () => undefined,
    ...overrides,
  };
  return { send: createSendMessage(deps), admission, published, parked, outcomes, deps };
}

describe('send pipeline', () => {
  it('publishes, then commits (nonce + broadcast, serialised once) and acks with the trimmed message', async () => {
    const { send, published, admission, parked, outcomes } = setup();
    const ack = await send(user, { channelId: channel.id, content: '  hi  ', nonce: 'n' });
    const message = {
      id: admittedId,
      channelId: channel.id,
      serverId: channel.serverId,
      author: user,
      content: 'hi',
      nonce: 'n',
      createdAt: '2026-11-21T14:00:00.000Z',
      editedAt: null,
      reactions: [],
    };
    expect(ack).toEqual({ ok: true, message });
    expect(published.map((e) => [e.type, e.payload])).toEqual([['message.created', message]]);
    expect(admission.commit).toHaveBeenCalledWith(user.id, 'n', message, `broadcast:${admittedId}`);
    expect(admission.commit).toHaveBeenCalledTimes(1);
    expect(parked).not.toHaveBeenCalled();
    expect(outcomes).toEqual(['ok']);
  });

  it('refuses invalid input before authorization or admission (those do not count)', async () => {
    const authorize = vi.fn(async () => channel);
    const { send, admission } = setup({ authorize });
    expect(await send(user, { channelId: channel.id, content: '' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(authorize).not.toHaveBeenCalled();
    expect(admission.admit).not.toHaveBeenCalled();
  });

  it('a refused authorization never reaches admission', async () => {
    const { send, admission } = setup({
      authorize: async () => {
        throw new AppError('NOT_MEMBER', 'no');
      },
    });
    expect(await send(user, { channelId: channel.id, content: 'hi' })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(admission.admit).not.toHaveBeenCalled();
  });

  it('when the broker refuses before the message left: UNAVAILABLE, slot and nonce released, nothing committed', async () => {
    const { send, admission, deps } = setup();
    deps.publisher.publish = async () => {
      throw new AppError('UNAVAILABLE', 'broker down');
    };
    const ack = await send(user, { channelId: channel.id, content: 'hi', nonce: 'n' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(admission.release).toHaveBeenCalledWith(user.id, channel.id, admittedId, 'n');
    expect(admission.unknown).not.toHaveBeenCalled();
    expect(admission.commit).not.toHaveBeenCalled();
  });

  it('when the confirm never came (outcome unknown): the nonce keeps the message, nothing is released', async () => {
    const { send, admission, deps, outcomes } = setup();
    deps.publisher.publish = async () => {
      throw new PublishOutcomeUnknown();
    };
    const ack = await send(user, { channelId: channel.id, content: 'hi', nonce: 'n' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringContaining('same nonce') } });
    expect(admission.release).not.toHaveBeenCalled();
    expect(admission.unknown).toHaveBeenCalledWith(user.id, 'n', expect.objectContaining({ id: admittedId, content: 'hi' }));
    expect(admission.commit).not.toHaveBeenCalled();
    expect(outcomes).toEqual(['unknown']);
  });

  it('a retry of an unknown outcome republishes the original message (same id) and acks it, not a duplicate', async () => {
    const { send, admission, published, outcomes } = setup({}, [{ kind: 'republish', message: original }]);
    const ack = await send(user, { channelId: channel.id, content: 'first', nonce: 'n' });
    expect(ack).toEqual({ ok: true, message: original });
    expect(published.map((e) => e.payload)).toEqual([original]);
    expect(admission.commit).toHaveBeenCalledWith(user.id, 'n', original, `broadcast:${original.id}`);
    expect(outcomes).toEqual(['republished']);
  });

  it('a republish that fails again, even refused, stays unknown (the first attempt may be in the broker)', async () => {
    const { send, admission, deps } = setup({}, [{ kind: 'republish', message: original }]);
    deps.publisher.publish = async () => {
      throw new AppError('UNAVAILABLE', 'broker down');
    };
    expect(await send(user, { channelId: channel.id, content: 'first', nonce: 'n' })).toMatchObject({ ok: false });
    expect(admission.release).not.toHaveBeenCalled();
    expect(admission.unknown).toHaveBeenCalledWith(user.id, 'n', original);
  });

  it('arms the channel flush when its commit left broadcasts parked behind an earlier id', async () => {
    const { send, admission, parked } = setup();
    admission.commit.mockResolvedValueOnce(2);
    expect(await send(user, { channelId: channel.id, content: 'hi' })).toMatchObject({ ok: true });
    expect(parked).toHaveBeenCalledWith(channel.id);
  });

  it('acks ok when the message is durable even if the commit fails (Redis down after the confirm)', async () => {
    const { send, admission } = setup();
    admission.commit.mockRejectedValueOnce(new Error('redis down'));
    expect(await send(user, { channelId: channel.id, content: 'hi' })).toMatchObject({ ok: true, message: { id: admittedId } });
  });

  it('a duplicate nonce acks the original with duplicate:true and publishes nothing', async () => {
    const { send, published, admission } = setup({}, [{ kind: 'duplicate', message: original }]);
    expect(await send(user, { channelId: channel.id, content: 'second', nonce: 'n' })).toEqual({
      ok: true,
      duplicate: true,
      message: original,
    });
    expect(published).toEqual([]);
    expect(admission.commit).not.toHaveBeenCalled();
  });

  it('waits for a duplicate whose original is still in flight, then answers with the original', async () => {
    // sleep is instant here, so a roomy budget keeps the wall clock out of the outcome on a slow machine.
    const { send, admission } = setup({ pendingWaitMs: 60_000 }, [
      { kind: 'pending' },
      { kind: 'pending' },
      { kind: 'duplicate', message: original },
    ]);
    expect(await send(user, { channelId: channel.id, content: 'x', nonce: 'n' })).toMatchObject({ ok: true, duplicate: true });
    expect(admission.admit).toHaveBeenCalledTimes(3);
  });

  it('gives up on a reservation that never settles with UNAVAILABLE (the client retries)', async () => {
    const { send } = setup({ sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }, []);
    expect(await send(user, { channelId: channel.id, content: 'x', nonce: 'n' })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
  });

  it('RATE_LIMITED carries retryAfterMs', async () => {
    const { send } = setup({}, [{ kind: 'limited', retryAfterMs: 1234 }]);
    expect(await send(user, { channelId: channel.id, content: 'x' })).toEqual({
      ok: false,
      error: { code: 'RATE_LIMITED', message: expect.any(String), details: { retryAfterMs: 1234 } },
    });
  });

  it('refuses new sends once shutting down, and turns unexpected errors into INTERNAL without details', async () => {
    expect(await setup({ accepting: () => false }).send(user, { channelId: channel.id, content: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
    const boom = setup({
      authorize: async () => {
        throw new TypeError('secret internals');
      },
    });
    const ack = await boom.send(user, { channelId: channel.id, content: 'x' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(ack)).not.toContain('secret');
  });
});

describe('flush timers (a channel parked behind an id whose gateway died)', () => {
  it('flushes a parked channel once after the hold, however many commits parked it, and again while some stay parked', async () => {
    vi.useFakeTimers();
    try {
      const left = [1, 0];
      const flush = vi.fn(async (_channelId: string) => left.shift() ?? 0);
      const timers = createFlushTimers(flush, 8_000, createLogger('test', 'silent'));
      timers.arm('c1');
      timers.arm('c1');
      timers.arm('c1');
      await vi.advanceTimersByTimeAsync(7_999);
      expect(flush).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(flush).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(8_000); // one payload was still parked: once more
      expect(flush).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(60_000); // nothing parked any more: no more flushes
      expect(flush).toHaveBeenCalledTimes(2);
      expect(flush).toHaveBeenCalledWith('c1');
    } finally {
      vi.useRealTimers();
    }
  });
});
