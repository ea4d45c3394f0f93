import calculateSlot from 'cluster-key-slot';

/**
 * Redis key layout, Cluster-safe (gateway README, "Redis keys and the Cluster"): every key one script
 * touches carries the same hash tag, so it lives in one slot. The tag is the id itself, `{<id>}`: a
 * user's keys are tagged with the user id, a channel's with the channel id, a server's with the server id.
 * Room names carry the same tag (`channel:{<id>}`), so the adapter's shard channel of a room lives in
 * the slot of that room's keys and a script may SPUBLISH to it.
 */
export const tag = (id: string): string => `{${id}}`;

/** The hash slot of an id's tag (what `{<id>}` in any key hashes to). */
export const slotOf = (id: string): number => calculateSlot(id);

let slotTags: string[] | undefined;

/**
 * A short string whose slot is `slot`: the tag of per-slot keys (the send clock). Found once for all
 * 16384 slots by counting up in base 36 (about 160k CRC16s, a few ms), the same on every gateway.
 */
export function slotTag(slot: number): string {
  if (!slotTags) {
    const table: string[] = new Array<string>(16384);
    let found = 0;
    for (let i = 0; found < 16384; i++) {
      const candidate = i.toString(36);
      const s = calculateSlot(candidate);
      if (table[s] === undefined) {
        table[s] = candidate;
        found++;
      }
    }
    slotTags = table;
  }
  return slotTags[slot]!;
}

/** The send path's user keys (send-user.lua), in the user's slot. */
export function userSendKeys(prefix: string, userId: string, nonce: string | undefined): [rate: string, nonce: string] {
  const t = tag(userId);
  return [`${prefix}send:rate:${t}`, `${prefix}send:nonce:${t}:${nonce ?? ''}`];
}

/** The send path's channel keys (send-channel.lua), in the channel's slot, and that slot. */
export function channelSendKeys(
  prefix: string,
  channelId: string,
): { keys: [clock: string, inflight: string, parked: string]; slot: number } {
  const slot = slotOf(channelId);
  const t = tag(channelId);
  return { keys: [`${prefix}send:clock:${tag(slotTag(slot))}`, `${prefix}send:inflight:${t}`, `${prefix}send:parked:${t}`], slot };
}

/** Typing throttle of (user, channel): one key, in the channel's slot. */
export const typingKey = (prefix: string, userId: string, channelId: string): string => `${prefix}typing:${tag(channelId)}:${userId}`;
