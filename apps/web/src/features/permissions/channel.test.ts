import { describe, expect, it } from 'vitest';
import type { Permission } from '@chorus/client';
import type { Permissions } from './access';
import { canInChannel } from './channel';

const SERVER = 'a'.repeat(24);
const MODS = 'b'.repeat(24);

const member = (granted: Permission[], roleIds: string[] = [], isOwner = false): Permissions => ({
  can: (p) => isOwner || granted.includes('ADMINISTRATOR') || granted.includes(p),
  isOwner,
  roleIds,
});
const readOnly = { id: 'c', overrides: [{ roleId: SERVER, allow: [], deny: ['SEND_MESSAGES'] }] };
const modsMayWrite = { id: 'c', overrides: [...readOnly.overrides, { roleId: MODS, allow: ['SEND_MESSAGES'], deny: [] }] };

describe('canInChannel (the composer hint, SPEC 15 overrides)', () => {
  it('follows the server-wide permissions when the channel has no overrides', () => {
    expect(canInChannel(member(['SEND_MESSAGES']), SERVER, { id: 'c' }, 'SEND_MESSAGES')).toBe(true);
    expect(canInChannel(member(['READ_HISTORY']), SERVER, { id: 'c' }, 'SEND_MESSAGES')).toBe(false);
  });

  it('an @everyone deny makes the channel read-only for a plain member', () => {
    expect(canInChannel(member(['SEND_MESSAGES']), SERVER, readOnly, 'SEND_MESSAGES')).toBe(false);
    expect(canInChannel(member(['SEND_MESSAGES']), SERVER, readOnly, 'READ_HISTORY')).toBe(false);
    expect(canInChannel(member(['SEND_MESSAGES', 'READ_HISTORY']), SERVER, readOnly, 'READ_HISTORY')).toBe(true);
  });

  it('an allow on a role the member holds wins over the deny (deny before allow)', () => {
    expect(canInChannel(member(['SEND_MESSAGES'], [MODS]), SERVER, modsMayWrite, 'SEND_MESSAGES')).toBe(true);
    expect(canInChannel(member(['SEND_MESSAGES']), SERVER, modsMayWrite, 'SEND_MESSAGES')).toBe(false);
  });

  it('the owner and ADMINISTRATOR are never restricted', () => {
    expect(canInChannel(member([], [], true), SERVER, readOnly, 'SEND_MESSAGES')).toBe(true);
    expect(canInChannel(member(['ADMINISTRATOR']), SERVER, readOnly, 'SEND_MESSAGES')).toBe(true);
  });
});
