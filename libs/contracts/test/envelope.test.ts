import { describe, expect, it } from 'vitest';
import { createEnvelope, decodeEnvelope, encodeEnvelope, parseEnvelope, routingKey, EVENT_PAYLOADS } from '../src/index.js';

const message = {
  id: '6740a1b2000000000000002a',
  channelId: '6740a1b2c3d4e5f601234567',
  serverId: '6740a1b2c3d4e5f601234568',
  author: { id: '6740a1b2c3d4e5f601234569', username: 'ada', displayName: 'ada', avatarUrl: null },
  content: 'hello',
  createdAt: '2026-11-21T14:00:00.000Z',
  editedAt: null,
  reactions: [],
};

describe('broker envelopes', () => {
  it('round-trips a valid event through bytes', () => {
    const env = createEnvelope('message.created', 1, message, 'gateway', 'req-1');
    const decoded = decodeEnvelope(encodeEnvelope(env));
    expect(decoded).toEqual({ ok: true, envelope: env });
    expect(routingKey(env.type, env.version)).toBe('message.created.v1');
  });

  it('refuses to create an envelope whose payload drifts from its type', () => {
    expect(() => createEnvelope('message.created', 1, { ...message, content: 42 } as never, 'gateway')).toThrow(/invalid message.created/);
  });

  it.each([
    ['not JSON', Buffer.from('{nope')],
    ['an array', Buffer.from('[]')],
    [
      'an unknown type',
      encodeEnvelope({
        ...createEnvelope('member.left', 1, { serverId: message.serverId, userId: message.author.id }, 'membership'),
        type: 'member.vanished',
      } as never),
    ],
    [
      'an unknown version',
      encodeEnvelope({
        ...createEnvelope('member.left', 1, { serverId: message.serverId, userId: message.author.id }, 'membership'),
        version: 9,
      } as never),
    ],
    ['a bad payload', Buffer.from(JSON.stringify({ ...createEnvelope('message.created', 1, message, 'gateway'), payload: { id: 'x' } }))],
    [
      'a foreign producer',
      Buffer.from(JSON.stringify({ ...createEnvelope('message.created', 1, message, 'gateway'), producer: 'mallory' })),
    ],
  ])('rejects %s without throwing', (_what, body) => {
    const result = decodeEnvelope(body);
    expect(result.ok).toBe(false);
  });

  it('knows a schema for every registered type and version', () => {
    for (const [type, versions] of Object.entries(EVENT_PAYLOADS)) {
      expect(Object.keys(versions).length, type).toBeGreaterThan(0);
    }
    expect(parseEnvelope({}).ok).toBe(false);
  });
});
