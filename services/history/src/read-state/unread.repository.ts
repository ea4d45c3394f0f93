import { Types, type Connection, type Model } from 'mongoose';
import { ENGAGEMENT_LIMITS } from '@chorus/contracts';
import { MENTION_INDEX, MESSAGE_INDEX, messageModels, type MessageDoc } from '../messages/message.schema.js';

const CAP = ENGAGEMENT_LIMITS.unreadCap;

export interface ChannelCounts {
  lastMessageId: Types.ObjectId | null;
  unreadCount: number;
  mentionCount: number;
}

/**
 * What is unread in a channel, in bounded work: the newest live message (one index key), and — only
 * when it is newer than the read position — the unread messages by others and those that mention the
 * user, each a range scan of `{channelId, _id > lastReadId}` on its index stopped at 100 matches. So a
 * server's read states cost O(channels), never O(messages), whatever the backlog.
 */
export class UnreadRepository {
  private readonly messages: Model<MessageDoc>;

  constructor(conn: Connection) {
    this.messages = messageModels(conn).Message;
  }

  async counts(channelId: string, userId: string, lastReadId: Types.ObjectId | undefined): Promise<ChannelCounts> {
    const channel = new Types.ObjectId(channelId);
    const newest = await this.messages.collection.findOne(
      { channelId: channel, deletedAt: null },
      { sort: { _id: -1 }, projection: { _id: 1 }, hint: MESSAGE_INDEX },
    );
    const lastMessageId = newest?._id ?? null;
    if (!lastMessageId || (lastReadId && lastMessageId.toHexString() <= lastReadId.toHexString())) {
      return { lastMessageId, unreadCount: 0, mentionCount: 0 };
    }
    const user = new Types.ObjectId(userId);
    const range = { channelId: channel, deletedAt: null, ...(lastReadId ? { _id: { $gt: lastReadId } } : {}) };
    const [unreadCount, mentionCount] = await Promise.all([
      this.countUpTo({ ...range, 'author.id': { $ne: user } }, MESSAGE_INDEX),
      this.countUpTo({ ...range, mentions: user, 'author.id': { $ne: user } }, MENTION_INDEX),
    ]);
    return { lastMessageId, unreadCount, mentionCount };
  }

  /** Matching documents, counting no further than the cap (ids only). */
  private async countUpTo(filter: Record<string, unknown>, hint: Record<string, 1>): Promise<number> {
    const docs = await this.messages.collection.find(filter, { projection: { _id: 1 }, limit: CAP, hint }).toArray();
    return docs.length;
  }
}
