import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { presenceKeys } from '@chorus/contracts';
import { roomShardChannel } from './broadcast/message-created.js';
import { channelSendKeys, slotOf, slotTag, typingKey, userSendKeys } from './redis-keys.js';
import { roomsChannelPrefix } from './redis.js';
import { channelRoom, presenceRoom, userRoom } from './types.js';

/**
 * On a Redis Cluster a script may only touch keys (and SPUBLISH to shard channels) of one hash slot.
 * These check, for every script the gateway runs, that what one call names maps to one slot.
 */
const prefix = 'chorus:';
const channelPrefix = roomsChannelPrefix(prefix);
const ids = ['6740a1b2c3d4e5f6a7b8c9d0', '000000000000000000000000', 'ffffffffffffffffffffffff', '65f0c0ffee00000000000042'];
const oneSlot = (names: string[]) => {
  const slot = calculateSlot.generateMulti(names);
  expect(slot, names.join(' ')).not.toBe(-1);
  return slot;
};

describe('Redis key layout: one slot per script call', () => {
  it('send-user.lua: the rate ZSET and the nonce key are in the user id’s slot', () => {
    for (const user of ids) {
      expect(oneSlot(userSendKeys(prefix, user, 'n-1'))).toBe(slotOf(user));
      expect(oneSlot(userSendKeys(prefix, user, undefined))).toBe(slotOf(user));
    }
  });

  it('send-channel.lua: slot clock, in-flight, parked and the room’s shard channel are in the channel id’s slot', () => {
    for (const channel of ids) {
      const { keys, slot } = channelSendKeys(prefix, channel);
      expect(slot).toBe(slotOf(channel));
      expect(oneSlot([...keys, roomShardChannel(channelPrefix, channelRoom(channel))])).toBe(slot);
    }
  });

  it('the per-slot clock tag maps to its slot for every one of the 16384 slots', () => {
    for (let slot = 0; slot < 16384; slot++) expect(calculateSlot(slotTag(slot))).toBe(slot);
  });

  it('presence-user.lua: every key of a user is in that user’s slot', () => {
    const keys = presenceKeys(prefix);
    for (const user of ids) expect(oneSlot(keys.user(user))).toBe(slotOf(user));
  });

  it('presence-announce.lua: a target’s hash and its room’s shard channel share the target’s slot', () => {
    const keys = presenceKeys(prefix);
    for (const id of ids) {
      expect(oneSlot([keys.online(id), roomShardChannel(channelPrefix, presenceRoom(id))])).toBe(slotOf(id));
      expect(oneSlot([keys.seen(id), roomShardChannel(channelPrefix, userRoom(id))])).toBe(slotOf(id));
    }
  });

  it('the typing throttle is in the channel’s slot; a DM recipient’s user room is in the recipient’s (published apart)', () => {
    const [user, channel, recipient] = ids as [string, string, string];
    expect(calculateSlot(typingKey(prefix, user, channel))).toBe(slotOf(channel));
    expect(calculateSlot(roomShardChannel(channelPrefix, userRoom(recipient)))).toBe(slotOf(recipient));
  });
});
