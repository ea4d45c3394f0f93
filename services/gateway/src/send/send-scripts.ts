// The send path's Redis scripts, keyed and wired (admission.ts decides what they mean).
import { isRedisCluster, type Logger, type RedisClient } from '@chorus/runtime';
import { channelSendKeys, slotOf, userSendKeys } from '../redis-keys.js';
import { loadComposedScript, loadLuaScript } from '../redis-script.js';

type Args = (string | number)[];

/**
 * The send scripts, keyed: the user's (send-user.lua), the channel's (send-channel.lua, its parts for
 * other slots published) and, on one Redis, both composed into one call (send-one.lua): a Cluster runs
 * a script on one slot only, so there the halves are separate calls.
 */
export function sendScripts(redis: RedisClient, prefix: string, logger: Logger) {
  const userFile = new URL('./send-user.lua', import.meta.url);
  const channelFile = new URL('./send-channel.lua', import.meta.url);
  const userScript = loadLuaScript(redis, userFile);
  const channelScript = loadLuaScript(redis, channelFile);
  const oneScript = isRedisCluster(redis)
    ? undefined
    : loadComposedScript(redis, { userStep: userFile, channelStep: channelFile }, new URL('./send-one.lua', import.meta.url));
  const bothKeys = (userId: string, nonce: string | undefined, channelId: string) => [
    ...userSendKeys(prefix, userId, nonce),
    ...channelSendKeys(prefix, channelId).keys,
  ];
  const user = (userId: string, nonce: string | undefined, args: Args) => userScript.run(userSendKeys(prefix, userId, nonce), args);
  /** A channel step; publishes the parts it handed back (other slots' rooms) in order, resolves with how many are parked. */
  const channel = async (channelId: string, args: Args): Promise<number> => {
    const reply = (await channelScript.run(channelSendKeys(prefix, channelId).keys, args)) as unknown[];
    await publishRemote(redis, reply, logger);
    return Number(reply[0]);
  };
  return {
    user,
    channel,
    /** One Redis only: admit, assign and (with bind ARGV) bind in one atomic call; {'ok', id, nowMs} or the user half's refusal. */
    admitOne: oneScript
      ? (userId: string, nonce: string | undefined, channelId: string, userArgs: Args, channelArgs: Args, bind: Args) =>
          oneScript.run(bothKeys(userId, nonce, channelId), [
            'admit',
            userArgs.length,
            ...userArgs,
            channelArgs.length,
            ...channelArgs,
            ...bind,
          ])
      : undefined,
    /** A user half (none: `undefined`) and a channel half of commit/release/unknown; resolves with how many are parked. */
    async pair(
      userId: string,
      nonce: string | undefined,
      userArgs: Args | undefined,
      channelId: string,
      channelArgs: Args,
    ): Promise<number> {
      if (!oneScript) {
        const [, parked] = await Promise.all([userArgs ? user(userId, nonce, userArgs) : undefined, channel(channelId, channelArgs)]);
        return parked;
      }
      const u = userArgs ?? [];
      const reply = (await oneScript.run(bothKeys(userId, nonce, channelId), [
        'pair',
        u.length,
        ...u,
        channelArgs.length,
        ...channelArgs,
      ])) as unknown[];
      return Number(reply[0]);
    },
    /** The channel's next id (and Redis time), in its in-flight set. */
    async assignId(channelId: string, holdSeconds: number): Promise<{ id: string; nowMs: number }> {
      const reply = await channelScript.run(channelSendKeys(prefix, channelId).keys, ['assign', holdSeconds, slotOf(channelId)]);
      const [id, nowMs] = Array.isArray(reply) ? (reply as unknown[]).map(String) : [];
      if (!id || !isId(id)) throw new Error(`unexpected id reply ${JSON.stringify(reply)}`);
      return { id, nowMs: Number(nowMs) };
    },
  };
}

export const isId = (id: string) => /^[0-9a-f]{24}$/.test(id);

/**
 * On a Cluster the channel script hands back the parts of a DM bundle for rooms in other slots (the
 * recipients' user rooms): published here, in the order given, right after the script.
 */
async function publishRemote(redis: RedisClient, reply: unknown[], logger: Logger): Promise<void> {
  if (reply.length < 3) return;
  const sent: Promise<unknown>[] = [];
  for (let i = 1; i + 1 < reply.length; i += 2) sent.push(redis.spublish(String(reply[i]), String(reply[i + 1])));
  const failed = (await Promise.allSettled(sent)).filter((r) => r.status === 'rejected').length;
  if (failed > 0) logger.warn({ failed }, 'DM broadcast to a user room not published');
}
