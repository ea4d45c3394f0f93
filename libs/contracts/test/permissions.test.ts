import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  AuthzResponse,
  CreateRoleRequest,
  DEFAULT_EVERYONE_PERMISSIONS,
  IsMemberResponse,
  PermissionList,
  PutOverrideRequest,
  UpdateRoleRequest,
  createEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  hasPermission,
  routingKey,
  GATEWAY_MEMBERSHIP_BINDINGS,
  MEMBERSHIP_CACHE_BINDINGS,
} from '../src/index.js';

const serverId = '6740a1b2c3d4e5f601234568';
const userId = '6740a1b2c3d4e5f601234569';
const roleId = '6740a1b2c3d4e5f60123456a';
const channelId = '6740a1b2c3d4e5f60123456b';

/** Whether a topic pattern (`*` = one word) matches a routing key. */
const matches = (pattern: string, key: string) => {
  const p = pattern.split('.');
  const k = key.split('.');
  return p.length === k.length && p.every((w, i) => w === '*' || w === k[i]);
};

describe('permissions (SPEC 15)', () => {
  it('is the closed set of ten, @everyone defaults to send, read, invite', () => {
    expect(ALL_PERMISSIONS).toHaveLength(10);
    expect([...DEFAULT_EVERYONE_PERMISSIONS].sort()).toEqual(['CREATE_INVITES', 'READ_HISTORY', 'SEND_MESSAGES']);
    expect(hasPermission(['ADMINISTRATOR'], 'BAN_MEMBERS')).toBe(true);
    expect(hasPermission(['SEND_MESSAGES'], 'BAN_MEMBERS')).toBe(false);
  });

  it('refuses unknown and repeated permissions, orders the rest', () => {
    expect(PermissionList.safeParse(['SEND_MESSAGES', 'FLY']).success).toBe(false);
    expect(PermissionList.safeParse(['SEND_MESSAGES', 'SEND_MESSAGES']).success).toBe(false);
    expect(PermissionList.parse(['READ_HISTORY', 'MANAGE_SERVER'])).toEqual(['MANAGE_SERVER', 'READ_HISTORY']);
  });

  it('role names are 1–32 after trimming; positions 1..1000; strict bodies', () => {
    expect(CreateRoleRequest.safeParse({ name: '' }).success).toBe(false);
    expect(CreateRoleRequest.safeParse({ name: '   ' }).success).toBe(false);
    expect(CreateRoleRequest.safeParse({ name: 'x'.repeat(33) }).success).toBe(false);
    expect(CreateRoleRequest.safeParse({ name: 'x'.repeat(32) }).success).toBe(true);
    expect(CreateRoleRequest.safeParse({ name: 'Mods', position: 0 }).success).toBe(false);
    expect(CreateRoleRequest.safeParse({ name: 'Mods', color: 'red' }).success).toBe(false);
    expect(UpdateRoleRequest.safeParse({}).success).toBe(false);
  });

  it('an override neither allows and denies the same permission nor overrides ADMINISTRATOR', () => {
    expect(PutOverrideRequest.parse({ deny: ['SEND_MESSAGES'] })).toEqual({ allow: [], deny: ['SEND_MESSAGES'] });
    expect(PutOverrideRequest.safeParse({ allow: ['SEND_MESSAGES'], deny: ['SEND_MESSAGES'] }).success).toBe(false);
    expect(PutOverrideRequest.safeParse({ allow: ['ADMINISTRATOR'] }).success).toBe(false);
  });

  it('the authorization answer carries permissions when allowed', () => {
    const channel = { id: channelId, serverId, name: 'general' };
    expect(AuthzResponse.safeParse({ status: 'allowed', channel, role: 'member' }).success).toBe(false);
    expect(AuthzResponse.parse({ status: 'allowed', channel, role: 'member', permissions: ['READ_HISTORY'] })).toMatchObject({
      permissions: ['READ_HISTORY'],
    });
    expect(IsMemberResponse.safeParse({ isMember: true, permissions: ['NOPE'], roleIds: [] }).success).toBe(false);
  });
});

describe('permission events', () => {
  const events = [
    createEnvelope('role.changed', 1, { serverId, roleId, change: 'updated', permissions: ['SEND_MESSAGES'] }, 'membership'),
    createEnvelope('override.changed', 1, { serverId, channelId, roleId: serverId, allow: [], deny: ['SEND_MESSAGES'] }, 'membership'),
    createEnvelope('member.updated', 1, { serverId, userId, roleIds: [roleId] }, 'membership'),
    createEnvelope('member.kicked', 1, { serverId, userId, actorId: userId }, 'membership'),
    createEnvelope('member.banned', 1, { serverId, userId, actorId: userId }, 'membership'),
  ];

  it.each(events.map((e) => [e.type, e] as const))('%s v1 round-trips and reaches every gateway and membership replica', (_t, env) => {
    expect(decodeEnvelope(encodeEnvelope(env))).toEqual({ ok: true, envelope: env });
    const key = routingKey(env.type, env.version);
    expect(GATEWAY_MEMBERSHIP_BINDINGS.some((p) => matches(p, key))).toBe(true);
    if (env.type === 'role.changed' || env.type === 'override.changed') {
      expect(MEMBERSHIP_CACHE_BINDINGS.some((p) => matches(p, key))).toBe(true);
    }
  });

  it('refuses drifted payloads', () => {
    expect(() =>
      createEnvelope('role.changed', 1, { serverId, roleId, change: 'renamed', permissions: [] } as never, 'membership'),
    ).toThrow();
    expect(() =>
      createEnvelope('override.changed', 1, { serverId, channelId, roleId, allow: ['FLY'], deny: [] } as never, 'membership'),
    ).toThrow();
    expect(() => createEnvelope('member.kicked', 1, { serverId, userId } as never, 'membership')).toThrow();
  });
});
