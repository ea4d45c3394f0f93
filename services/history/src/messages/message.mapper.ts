import { Types } from 'mongoose';
import { mentionedUserIds, type Message } from '@chorus/contracts';
import type { MessageDoc } from './message.schema.js';

/**
 * The one place a stored message becomes the contract's Message (ISO strings, hex ids). `me` is false
 * here (as in broadcasts); the service sets it for the caller (`withMine`).
 */
export function toMessage(doc: MessageDoc): Message {
  if (doc.content === undefined) throw new Error(`message ${doc._id.toHexString()} has no content (deleted?)`);
  return {
    id: doc._id.toHexString(),
    channelId: doc.channelId.toHexString(),
    serverId: doc.serverId ? doc.serverId.toHexString() : null,
    author: {
      id: doc.author.id.toHexString(),
      username: doc.author.username,
      displayName: doc.author.displayName ?? doc.author.username,
      avatarUrl: doc.author.avatarUrl ?? null,
    },
    content: doc.content,
    ...(doc.nonce !== undefined && doc.nonce !== null ? { nonce: doc.nonce } : {}),
    createdAt: doc.createdAt.toISOString(),
    editedAt: doc.editedAt ? doc.editedAt.toISOString() : null,
    reactions: (doc.reactions ?? []).filter((r) => r.count > 0).map((r) => ({ emoji: r.emoji, count: r.count, me: false })),
  };
}

/** The `<@userId>` mentions of a text as stored (absent when none, so the partial mentions index skips it). */
export function mentionsOf(content: string): { mentions?: Types.ObjectId[] } {
  const ids = mentionedUserIds(content);
  return ids.length > 0 ? { mentions: ids.map((id) => new Types.ObjectId(id)) } : {};
}

/** The document a `message.created` payload is stored as (`_id` = the message id). */
export function toMessageDoc(message: Message): MessageDoc {
  return {
    _id: new Types.ObjectId(message.id),
    channelId: new Types.ObjectId(message.channelId),
    serverId: message.serverId === null ? null : new Types.ObjectId(message.serverId),
    author: {
      id: new Types.ObjectId(message.author.id),
      username: message.author.username,
      displayName: message.author.displayName,
      avatarUrl: message.author.avatarUrl,
    },
    content: message.content,
    ...mentionsOf(message.content),
    ...(message.nonce !== undefined ? { nonce: message.nonce } : {}),
    createdAt: new Date(message.createdAt),
    editedAt: message.editedAt ? new Date(message.editedAt) : null,
    deletedAt: null,
  };
}
