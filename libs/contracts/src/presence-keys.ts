/**
 * Presence state in Redis (SPEC 11), shared by the gateways (which write it) and membership (which reads
 * it for `GET /api/servers/:id/members`). Every key is under the deployment's REDIS_PREFIX.
 *
 *   presence:conns:<user>     HASH gatewayId → sockets of the user on that gateway (absent: offline)
 *   presence:status:<user>    STRING the status the user chose (absent: online)
 *   presence:gw:<gateway>     SET users with sockets on that gateway (what a sweep clears when it dies)
 *   presence:gateways         ZSET gatewayId → lease expiry (ms); a gateway renews its lease every few seconds
 *   presence:servers:<user>   SET the servers of a connected user (where its changes are announced)
 *   presence:online:<server>  SET members of the server who are shown as not offline (the subscribe snapshot)
 *   presence:partners:<user>  SET users the user has a DM conversation with (they are told its changes)
 */
export function presenceKeys(prefix: string) {
  const p = `${prefix}presence:`;
  return {
    conns: (userId: string) => `${p}conns:${userId}`,
    status: (userId: string) => `${p}status:${userId}`,
    gateway: (gatewayId: string) => `${p}gw:${gatewayId}`,
    gateways: `${p}gateways`,
    servers: (userId: string) => `${p}servers:${userId}`,
    online: (serverId: string) => `${p}online:${serverId}`,
    partners: (userId: string) => `${p}partners:${userId}`,
    /** For scripts that build keys themselves: every key above is this prefix + its suffix. */
    prefix: p,
  };
}

/** Whether a user is shown as online/idle/dnd or offline, from the two keys above. */
export function visibleStatus(connected: boolean, chosen: string | null): 'online' | 'idle' | 'dnd' | 'offline' {
  if (!connected) return 'offline';
  if (chosen === 'idle' || chosen === 'dnd') return chosen;
  if (chosen === 'invisible') return 'offline';
  return 'online';
}
