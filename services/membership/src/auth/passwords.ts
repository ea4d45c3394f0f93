import argon2 from 'argon2';

export interface PasswordCost {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when `password` matches `hash`; a malformed hash is a mismatch. */
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same time as a real verify, for unknown usernames (no user-enumeration by timing). */
  burn(password: string): Promise<false>;
}

/** argon2id with a per-hash random salt (the PHC string carries salt and parameters). */
export function createPasswordHasher(cost: PasswordCost): PasswordHasher {
  const options = { type: argon2.argon2id, memoryCost: cost.memoryKiB, timeCost: cost.timeCost, parallelism: cost.parallelism };
  let dummy: Promise<string> | undefined;
  const verify = async (hash: string, password: string) => {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => argon2.hash(password, options),
    verify,
    async burn(password) {
      dummy ??= argon2.hash('chorus-timing-equaliser', options);
      await verify(await dummy, password);
      return false;
    },
  };
}
