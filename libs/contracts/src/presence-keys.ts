/**
 * Presence state in Redis (SPEC 11), shared by the gateways (which write it) and membership (which reads
 * it for `GET /api/servers/:id/members`). Every key is under the deployment's REDIS_PREFIX, and carries the
 * hash tag of the one it belongs to (`{<id>}`), so that on a Redis Cluster each script touches one slot:
 *
 *   presence:conns:{<user>}     HASH gatewayId → sockets of the user on that gateway (absent: offline)
 *   presence:status:{<user>}    STRING the status the user chose (absent: online)
 *   presence:servers:{<user>}   SET the servers of a connected user (where its changes are announced)
 *   presence:partners:{<user>}  SET users the user has a DM conversation with (they are told its changes)
 *   presence:ver:{<user>}       counter, one step per announced change (targets drop older announcements)
 *   presence:online:{<server>}  HASH user → `<version>:<status>` as last announced to the server (the
 *                               subscribe snapshot lists the entries not offline)
 *   presence:seen:{<user>}      HASH partner → `<version>:<status>` as last announced to this user
 *   presence:gw:{<gateway>}     SET users with sockets on that gateway (what a sweep clears when it dies)
 *   presence:gateways           ZSET gatewayId → lease expiry (ms); a gateway renews its lease every few seconds
 */
export function presenceKeys(prefix: string) {
  const p = `${prefix}presence:`;
  return {
    conns: (userId: string) => `${p}conns:{${userId}}`,
    status: (userId: string) => `${p}status:{${userId}}`,
    servers: (userId: string) => `${p}servers:{${userId}}`,
    partners: (userId: string) => `${p}partners:{${userId}}`,
    version: (userId: string) => `${p}ver:{${userId}}`,
    online: (serverId: string) => `${p}online:{${serverId}}`,
    seen: (userId: string) => `${p}seen:{${userId}}`,
    gateway: (gatewayId: string) => `${p}gw:{${gatewayId}}`,
    gateways: `${p}gateways`,
    /** The keys of presence-user.lua, in its KEYS order: all in the user's slot. */
    user: (userId: string): string[] => [
      `${p}conns:{${userId}}`,
      `${p}status:{${userId}}`,
      `${p}servers:{${userId}}`,
      `${p}partners:{${userId}}`,
      `${p}ver:{${userId}}`,
    ],
  };
}

/** Whether a user is shown as online/idle/dnd or offline, from the two keys above. */
export function visibleStatus(connected: boolean, chosen: string | null): 'online' | 'idle' | 'dnd' | 'offline' {
  if (!connected) return 'offline';
  if (chosen === 'idle' || chosen === 'dnd') return chosen;
  if (chosen === 'invisible') return 'offline';
  return 'online';
}
