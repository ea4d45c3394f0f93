/**
 * Membership settings for tests and the benchmark, which create accounts by the dozen from one IP:
 * argon2id at its lowest cost (hashing is not what they measure), a registration budget and a REST
 * write budget (one user creating servers, channels and invites in a loop) they cannot spend.
 * Production keeps the defaults (19 MiB argon2id, 20 accounts per IP per hour, 30 writes per user per
 * 10 s). Tests of those limits set them low again (`rest-write-rate-limit.test.ts`).
 */
export const FAST_ACCOUNTS = {
  ARGON2_MEMORY_KIB: '1024',
  ARGON2_TIME_COST: '1',
  REGISTRATIONS_PER_IP: '1000000',
  REST_WRITES_PER_WINDOW: '1000000000',
} as const;
