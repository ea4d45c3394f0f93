import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '@chorus/contracts';
import { channelPermissions, highestPosition, serverPermissions, type MemberView } from './compute.js';

const serverId = 'a'.repeat(24);
const everyone = {
  id: serverId,
  name: '@everyone',
  permissions: ['CREATE_INVITES', 'SEND_MESSAGES', 'READ_HISTORY'] as const,
  position: 0,
};
const mods = { id: 'b'.repeat(24), name: 'Mods', permissions: ['KICK_MEMBERS'] as const, position: 5 };
const admins = { id: 'c'.repeat(24), name: 'Admins', permissions: ['ADMINISTRATOR'] as const, position: 3 };
const view = (over: Partial<MemberView> = {}): MemberView => ({
  serverId,
  ownerId: 'o'.repeat(24),
  userId: 'u'.repeat(24),
  isOwner: false,
  isMember: true,
  roleIds: [],
  roles: [mods, admins, everyone],
  ...over,
});

describe('permission computation (SPEC 15)', () => {
  it('non-member: nothing; owner: everything; member: union of @everyone and their roles', () => {
    expect(serverPermissions(view({ isMember: false }))).toEqual([]);
    expect(serverPermissions(view({ isOwner: true }))).toEqual([...ALL_PERMISSIONS]);
    expect(serverPermissions(view())).toEqual(['CREATE_INVITES', 'SEND_MESSAGES', 'READ_HISTORY']);
    expect(serverPermissions(view({ roleIds: [mods.id] }))).toEqual(['KICK_MEMBERS', 'CREATE_INVITES', 'SEND_MESSAGES', 'READ_HISTORY']);
    expect(serverPermissions(view({ roleIds: [admins.id] }))).toEqual([...ALL_PERMISSIONS]);
  });

  it('overrides: @everyone stage, then roles together; role allow beats @everyone deny; owner/admin above them', () => {
    const readOnly = [
      { roleId: serverId, allow: [], deny: ['SEND_MESSAGES'] as const },
      { roleId: mods.id, allow: ['SEND_MESSAGES'] as const, deny: [] },
    ];
    expect(channelPermissions(view(), readOnly)).not.toContain('SEND_MESSAGES');
    expect(channelPermissions(view({ roleIds: [mods.id] }), readOnly)).toContain('SEND_MESSAGES');
    expect(channelPermissions(view({ roleIds: [admins.id] }), [{ roleId: admins.id, allow: [], deny: ['SEND_MESSAGES'] }])).toEqual([
      ...ALL_PERMISSIONS,
    ]);
    expect(channelPermissions(view({ isOwner: true }), readOnly)).toEqual([...ALL_PERMISSIONS]);
    expect(channelPermissions(view({ isMember: false }), [{ roleId: serverId, allow: ['READ_HISTORY'], deny: [] }])).toEqual([]);
    // Overrides of roles the member does not hold do nothing.
    expect(channelPermissions(view(), [{ roleId: mods.id, allow: [], deny: ['READ_HISTORY'] }])).toContain('READ_HISTORY');
  });

  it('rank: owner above all, @everyone only is 0, a non-member below everything', () => {
    expect(highestPosition(view({ isOwner: true }))).toBe(Number.POSITIVE_INFINITY);
    expect(highestPosition(view())).toBe(0);
    expect(highestPosition(view({ roleIds: [mods.id, admins.id] }))).toBe(5);
    expect(highestPosition(view({ isMember: false }))).toBe(-1);
  });
});
