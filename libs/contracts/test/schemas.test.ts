import { describe, expect, it } from 'vitest';
import {
  CredentialsRequest,
  ERROR_STATUS,
  Emoji,
  ErrorBody,
  HistoryQuery,
  LIMITS,
  MessageSendPayload,
  ObjectIdString,
  ReadStatesQuery,
  errorObject,
  mentionedUserIds,
  rateLimitedError,
  zodDetails,
} from '../src/index.js';

describe('request schemas treat input as hostile', () => {
  it('rejects operator objects, extra fields and wrong types with field details', () => {
    const bad = CredentialsRequest.safeParse({ username: { $gt: '' }, password: 12345678, admin: true });
    expect(bad.success).toBe(false);
    const paths = zodDetails(bad.error!).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['username', 'password', '']));
  });

  it('trims message content and counts code points, not UTF-16 units', () => {
    const emoji = '😀'.repeat(LIMITS.contentMaxChars);
    expect(MessageSendPayload.parse({ channelId: 'A'.repeat(24), content: `  ${emoji}  ` }).content).toBe(emoji);
    expect(MessageSendPayload.safeParse({ channelId: 'a'.repeat(24), content: `${emoji}x` }).success).toBe(false);
    expect(MessageSendPayload.safeParse({ channelId: 'a'.repeat(24), content: '   ' }).success).toBe(false);
    expect(MessageSendPayload.safeParse({ channelId: 'a'.repeat(24), content: 'x'.repeat(1_000_000) }).success).toBe(false);
  });

  it('lowercases ids and rejects anything but 24 hex characters', () => {
    expect(ObjectIdString.parse('ABCDEF0123456789ABCDEF01')).toBe('abcdef0123456789abcdef01');
    for (const bad of ['xyz', 'a'.repeat(25), { $ne: null }, 42]) expect(ObjectIdString.safeParse(bad).success).toBe(false);
  });

  it('parses history queries: one cursor at most, sane limits, nothing unknown', () => {
    expect(HistoryQuery.parse({})).toEqual({ limit: 50 });
    expect(HistoryQuery.parse({ limit: '100', before: 'a'.repeat(24) })).toEqual({ limit: 100, before: 'a'.repeat(24) });
    for (const q of [
      { limit: '1e9' },
      { limit: '0' },
      { limit: '101' },
      { limit: '5.5' },
      { 'before[$gt]': '' },
      { before: 'a'.repeat(24), after: 'b'.repeat(24) },
    ]) {
      expect(HistoryQuery.safeParse(q).success, JSON.stringify(q)).toBe(false);
    }
  });
});

describe('error shape', () => {
  it('maps every code to its status and builds bodies that validate', () => {
    expect(ERROR_STATUS.NOT_MEMBER).toBe(403);
    expect(ErrorBody.parse({ error: errorObject('NOT_FOUND', 'nope') })).toEqual({ error: { code: 'NOT_FOUND', message: 'nope' } });
    expect(ErrorBody.parse({ error: rateLimitedError(1234.2) }).error.details).toEqual({ retryAfterMs: 1235 });
  });
});

describe('engagement schemas (SPEC 12, 13)', () => {
  it('an emoji is one pictographic grapheme of at most 32 bytes', () => {
    for (const ok of ['👍', '👍🏽', '👨‍👩‍👧', '🇫🇷', '1️⃣', '❤️', '🏳️‍🌈']) expect(Emoji.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['', 'a', 'abc', '👍👍', '👍a', ' 👍', '1', '#', '\u200d', '👨‍👩‍👧‍👦👨‍👩‍👧‍👦', '🇫', 'é']) {
      expect(Emoji.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('read-states take exactly one of serverId and dms=true; mentions are parsed from <@id>', () => {
    const id = 'a'.repeat(24);
    expect(ReadStatesQuery.safeParse({ serverId: id }).success).toBe(true);
    expect(ReadStatesQuery.safeParse({ dms: 'true' }).success).toBe(true);
    for (const bad of [{}, { serverId: id, dms: 'true' }, { dms: 'yes' }, { serverId: [id] }, { serverId: id, x: '1' }]) {
      expect(ReadStatesQuery.safeParse(bad).success).toBe(false);
    }
    expect(mentionedUserIds(`hi <@${id}> and <@${id.toUpperCase()}> and <@nope> <@${'b'.repeat(24)}>`)).toEqual([id, 'b'.repeat(24)]);
  });
});
