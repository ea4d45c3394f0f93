import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from '@chorus/runtime';

/** A Lua script run by its SHA (EVALSHA), loaded with EVAL the first time a Redis has not seen it. */
export interface LuaScript {
  run(keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

export function loadLuaScript(redis: RedisClient, file: URL): LuaScript {
  return luaScript(redis, readFileSync(file, 'utf8'));
}

/**
 * A script composed of other scripts: each of `parts` becomes a local Lua function `<name>(KEYS, ARGV)`
 * (its file's body, unchanged), followed by `main`, which calls them. One copy of each script's logic,
 * run either alone (its own EVALSHA) or as a part of a composed one (send-one.lua).
 */
export function loadComposedScript(redis: RedisClient, parts: Record<string, URL>, main: URL): LuaScript {
  const functions = Object.entries(parts).map(([name, file]) => `local function ${name}(KEYS, ARGV)\n${readFileSync(file, 'utf8')}\nend\n`);
  return luaScript(redis, functions.join('') + readFileSync(main, 'utf8'));
}

function luaScript(redis: RedisClient, lua: string): LuaScript {
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
