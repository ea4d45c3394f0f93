import { Types, type Connection, type Model, type mongo } from 'mongoose';
import { ENGAGEMENT_LIMITS } from '@chorus/contracts';
import { messageModels, type MessageDoc } from '../messages/message.schema.js';
import { reactionId, reactionModel, type ReactionDoc } from './reaction.schema.js';

export type AddOutcome = 'added' | 'unchanged' | 'too_many' | 'not_found';
export type RemoveOutcome = 'removed' | 'unchanged';

const oid = (hex: string) => new Types.ObjectId(hex);
const isDuplicateKey = (err: unknown) => (err as { code?: unknown } | null)?.code === 11000;
/** A message may take one more distinct emoji while it has fewer than the limit (index limit-1 absent). */
const HAS_ROOM = { [`reactions.${ENGAGEMENT_LIMITS.maxDistinctEmoji - 1}`]: { $exists: false } };

/**
 * Reactions without lost updates. The per-user document (`_id` = message:user:emoji) decides whether a
 * PUT/DELETE changes anything — exactly one of any number of concurrent identical requests wins the
 * insert or the delete — and only the winner touches the message's counts, with one atomic `$inc` (or a
 * `$push` of a new emoji guarded by "not there yet and fewer than 20"), so 50 concurrent users give 50.
 */
export class ReactionRepository {
  private readonly reactions: Model<ReactionDoc>;
  private readonly messages: mongo.Collection<MessageDoc>;

  constructor(conn: Connection) {
    this.reactions = reactionModel(conn);
    this.messages = messageModels(conn).Message.collection as unknown as mongo.Collection<MessageDoc>;
  }

  async add(channelId: string, messageId: string, userId: string, emoji: string): Promise<AddOutcome> {
    const _id = reactionId(messageId, userId, emoji);
    try {
      await this.reactions.collection.insertOne({
        _id,
        messageId: oid(messageId),
        channelId: oid(channelId),
        userId: oid(userId),
        emoji,
        createdAt: new Date(),
      } as never);
    } catch (err) {
      if (isDuplicateKey(err)) return 'unchanged';
      throw err;
    }
    // Not counted (full, gone, or the database failed half-way): take the per-user document back, so
    // a retry is not mistaken for "already reacted" with nothing counted.
    const undo = () => this.reactions.collection.deleteOne({ _id } as never);
    const counted = await this.countIn(channelId, messageId, emoji).catch(async (err: unknown) => {
      await undo().catch(() => undefined);
      throw err;
    });
    if (counted !== 'added') await undo();
    return counted;
  }

  async remove(messageId: string, userId: string, emoji: string): Promise<RemoveOutcome> {
    const res = await this.reactions.collection.deleteOne({ _id: reactionId(messageId, userId, emoji) } as never);
    if (res.deletedCount === 0) return 'unchanged';
    const message = { _id: oid(messageId) };
    await this.messages.updateOne({ ...message, 'reactions.emoji': emoji }, { $inc: { 'reactions.$.count': -1 } });
    // Drops the entry once nobody is left; a concurrent add that already bumped it back keeps it.
    await this.messages.updateOne(message, { $pull: { reactions: { emoji, count: { $lte: 0 } } } });
    return 'removed';
  }

  /** Of these (message, emoji) pairs, the ones `userId` reacted with, as `messageId:emoji`. */
  async mine(userId: string, pairs: Array<{ messageId: string; emoji: string }>): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const ids = pairs.map((p) => reactionId(p.messageId, userId, p.emoji));
    const found = await this.reactions.collection
      .find({ _id: { $in: ids } } as never, { projection: { messageId: 1, emoji: 1 } })
      .toArray();
    return new Set(found.map((d) => `${(d.messageId as Types.ObjectId).toHexString()}:${String(d.emoji)}`));
  }

  /** Removes the reactions of deleted channels (their messages are gone). */
  async deleteChannels(channelIds: string[]): Promise<void> {
    if (channelIds.length > 0) await this.reactions.collection.deleteMany({ channelId: { $in: channelIds.map(oid) } });
  }

  /** +1 for `emoji` on a live message: `$inc` when the emoji is there, else `$push` it (at most 20). */
  private async countIn(channelId: string, messageId: string, emoji: string): Promise<Exclude<AddOutcome, 'unchanged'>> {
    const message = { _id: oid(messageId), channelId: oid(channelId), deletedAt: null };
    for (;;) {
      const inc = await this.messages.updateOne({ ...message, 'reactions.emoji': emoji }, { $inc: { 'reactions.$.count': 1 } });
      if (inc.matchedCount > 0) return 'added';
      const push = await this.messages.updateOne(
        { ...message, 'reactions.emoji': { $ne: emoji }, ...HAS_ROOM },
        { $push: { reactions: { emoji, count: 1 } } },
      );
      if (push.matchedCount > 0) return 'added';
      // Neither: the emoji appeared meanwhile (count it again), the message is full, or it is gone.
      const now = await this.messages.findOne(message, { projection: { 'reactions.emoji': 1 } });
      if (!now) return 'not_found';
      const present = now.reactions ?? [];
      if (!present.some((r) => r.emoji === emoji) && present.length >= ENGAGEMENT_LIMITS.maxDistinctEmoji) return 'too_many';
    }
  }
}
