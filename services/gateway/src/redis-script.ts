import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from '@chorus/runtime';

/** A Lua script run by its SHA (EVALSHA), loaded with EVAL the first time a Redis has not seen it. */
export interface LuaScript {
  run(keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

export function loadLuaScript(redis: RedisClient, file: URL): LuaScript {
  const lua = readFileSync(file, 'utf8');
  const sha = createHash('sha1').update(lua).digest('hex');
  return {
    async run(keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return redis.eval(lua, keys.length, ...keys, ...args);
      }
    },
  };
}
