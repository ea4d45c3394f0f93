/**
 * Membership settings for tests and the benchmark, which create accounts by the dozen from one IP:
 * argon2id at its lowest cost (hashing is not what they measure) and a registration budget they
 * cannot spend. Production keeps the defaults (19 MiB argon2id, 20 accounts per IP per hour).
 */
export const FAST_ACCOUNTS = {
  ARGON2_MEMORY_KIB: '1024',
  ARGON2_TIME_COST: '1',
  REGISTRATIONS_PER_IP: '1000000',
} as const;
