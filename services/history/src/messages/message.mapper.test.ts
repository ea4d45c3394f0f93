import { describe, expect, it } from 'vitest';
import { Message } from '@chorus/contracts';
import { toMessage, toMessageDoc } from './message.mapper.js';

const message = Message.parse({
  id: '6740a1b2c3d4e5f601234567',
  channelId: '6740a1b2c3d4e5f60000000a',
  serverId: '6740a1b2c3d4e5f60000000b',
  author: { id: '6740a1b2c3d4e5f60000000c', username: 'alice', displayName: 'Alice', avatarUrl: null },
  content: 'hello',
  nonce: 'n-1',
  createdAt: '2026-11-21T14:00:00.000Z',
  editedAt: null,
});

describe('message mapper', () => {
  it('round-trips a contract Message through the stored document', () => {
    const doc = toMessageDoc(message);
    expect(doc._id.toHexString()).toBe(message.id);
    expect(doc.createdAt).toEqual(new Date(message.createdAt));
    expect(doc.deletedAt).toBeNull();
    expect(toMessage(doc)).toEqual(message);
  });

  it('omits an absent nonce and keeps editedAt as an ISO string', () => {
    const { nonce: _nonce, ...plain } = message;
    const doc = { ...toMessageDoc(plain), editedAt: new Date('2026-11-21T15:00:00.000Z') };
    const out = toMessage(doc);
    expect(out).not.toHaveProperty('nonce');
    expect(out.editedAt).toBe('2026-11-21T15:00:00.000Z');
    expect(Message.safeParse(out).success).toBe(true);
  });

  it('refuses to show a deleted message (no content)', () => {
    const { content: _content, ...doc } = toMessageDoc(message);
    expect(() => toMessage(doc)).toThrow(/no content/);
  });
});

describe('message mapper: DMs and profiles (SPEC 10)', () => {
  it('a DM message keeps serverId null and the author profile as of the send', () => {
    const dm = Message.parse({ ...message, serverId: null, author: { ...message.author, avatarUrl: 'https://example.com/a.png' } });
    expect(toMessageDoc(dm).serverId).toBeNull();
    expect(toMessage(toMessageDoc(dm))).toEqual(dm);
  });

  it('a message stored before profiles existed reads with the username as display name and no avatar', () => {
    const { displayName: _d, avatarUrl: _a, ...author } = toMessageDoc(message).author;
    expect(toMessage({ ...toMessageDoc(message), author }).author).toEqual({
      id: message.author.id,
      username: 'alice',
      displayName: 'alice',
      avatarUrl: null,
    });
  });
});
