import { describe, expect, it, vi } from 'vitest';
import { AppError, createLogger, type EventPublisher } from '@chorus/runtime';
import type { AnyEnvelope, Message } from '@chorus/contracts';
import type { Admission, AdmitResult } from './admission.js';
import { createInFlight } from './inflight.js';
import { createSendMessage, type SendDeps } from './send-message.js';

const user = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', username: 'ada' };
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
};

function setup(
  overrides: Partial<SendDeps> = {},
  admits: AdmitResult[] = [{ kind: 'ok', id: admittedId, createdAt: '2026-11-21T14:00:00.000Z' }],
) {
  const published: AnyEnvelope[] = [];
  const broadcast: Message[] = [];
  const admission = {
    admit: vi.fn(async () => admits.shift() ?? { kind: 'pending' as const }),
    release: vi.fn(async () => undefined),
    commit: vi.fn(async () => true),
    earliestInFlight: vi.fn(async () => undefined),
    settle: vi.fn(async () => undefined),
  } satisfies Admission;
  const turns = {
    wait: vi.fn(async (_channelId: string, _id: string, _timeoutMs: number) => true),
    learned: vi.fn((_channelId: string, _earliest: string | undefined) => undefined),
  };
  const publisher: EventPublisher = {
    inFlight: 0,
    isUp: () => true,
    publish: vi.fn(async (e: AnyEnvelope) => {
      published.push(e);
    }) as EventPublisher['publish'],
    close: async () => undefined,
  };
  const deps: SendDeps = {
    authorize: async () => channel,
    admission,
    publisher,
    broadcast: (m) => void broadcast.push(m),
    inFlight: createInFlight(),
    turns,
    accepting: () => true,
    logger: createLogger('test', 'silent'),
    pendingWaitMs: 50,
    sleep: async () => undefined,
    ...overrides,
  };
  return { send: createSendMessage(deps), admission, turns, published, broadcast, deps };
}

describe('send pipeline', () => {
  it('publishes, then remembers the nonce, broadcasts and acks with the trimmed message', async () => {
    const { send, published, broadcast, admission } = setup();
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
    };
    expect(ack).toEqual({ ok: true, message });
    expect(published.map((e) => [e.type, e.payload])).toEqual([['message.created', message]]);
    expect(admission.commit).toHaveBeenCalledWith(user.id, 'n', message);
    expect(broadcast).toEqual([message]);
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

  it('when the broker does not confirm: UNAVAILABLE, slot and nonce released, nothing broadcast', async () => {
    const { send, admission, broadcast, deps } = setup();
    deps.publisher.publish = async () => {
      throw new AppError('UNAVAILABLE', 'broker down');
    };
    const ack = await send(user, { channelId: channel.id, content: 'hi', nonce: 'n' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(admission.release).toHaveBeenCalledWith(user.id, channel.id, admittedId, 'n');
    expect(admission.commit).not.toHaveBeenCalled();
    expect(broadcast).toEqual([]);
  });

  it('broadcasts only after every earlier message of the channel was, then lets later ones go', async () => {
    const { send, admission, turns, broadcast } = setup();
    admission.commit.mockResolvedValueOnce(false);
    turns.wait.mockImplementationOnce(async () => {
      expect(broadcast).toEqual([]);
      return true;
    });
    const ack = await send(user, { channelId: channel.id, content: 'hi' });
    expect(ack).toMatchObject({ ok: true, message: { id: admittedId } });
    expect(turns.wait).toHaveBeenCalledWith(channel.id, admittedId, 250);
    expect(broadcast.map((m) => m.id)).toEqual([admittedId]);
    expect(admission.settle).toHaveBeenCalledWith(channel.id, admittedId);
    await vi.waitFor(() => expect(turns.learned).toHaveBeenCalledWith(channel.id, undefined));
  });

  it('does not wait when commit says no earlier message is in flight', async () => {
    const { send, turns, broadcast } = setup();
    expect(await send(user, { channelId: channel.id, content: 'hi' })).toMatchObject({ ok: true });
    expect(turns.wait).not.toHaveBeenCalled();
    expect(broadcast).toHaveLength(1);
  });

  it('broadcasts anyway when the turn does not come in time', async () => {
    const { send, admission, turns, broadcast } = setup();
    admission.commit.mockResolvedValueOnce(false);
    turns.wait.mockResolvedValueOnce(false);
    expect(await send(user, { channelId: channel.id, content: 'hi' })).toMatchObject({ ok: true });
    expect(broadcast).toHaveLength(1);
  });

  it('a duplicate nonce acks the original with duplicate:true and publishes nothing', async () => {
    const { send, published, broadcast } = setup({}, [{ kind: 'duplicate', message: original }]);
    expect(await send(user, { channelId: channel.id, content: 'second', nonce: 'n' })).toEqual({
      ok: true,
      duplicate: true,
      message: original,
    });
    expect(published).toEqual([]);
    expect(broadcast).toEqual([]);
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
