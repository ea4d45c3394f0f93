import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A stored message. `_id` is the id the gateway fleet assigned (strictly increasing), so `_id` order is
 * send order and the `{channelId, _id}` index serves every history query.
 *
 * Deleting a message is soft: the document stays as a tombstone (`deletedAt`, `deletedBy`) with its
 * text and nonce removed, so a redelivered `message.created` for it hits E11000 instead of bringing it
 * back. Every read filters `deletedAt: null`.
 */
export interface MessageDoc {
  _id: Types.ObjectId;
  channelId: Types.ObjectId;
  /** Null in a DM (SPEC 10). */
  serverId: Types.ObjectId | null;
  /** As of the send; messages stored before profiles have no displayName/avatarUrl (read as the username / null). */
  author: { id: Types.ObjectId; username: string; displayName?: string; avatarUrl?: string | null };
  /** Absent only on deleted messages. */
  content?: string;
  nonce?: string;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  deletedBy?: Types.ObjectId;
  /**
   * Reaction counts in order of first use (SPEC 12), kept by atomic `$inc`/`$push` in reaction.repository.ts
   * next to the per-user documents that decide them. An entry may briefly show count 0 while its last
   * reaction is being taken back; readers skip those.
   */
  reactions?: ReactionCount[];
  /** Users mentioned as `<@userId>` (SPEC 13's mentionCount), absent when none: the mentions index stays small. */
  mentions?: Types.ObjectId[];
  /**
   * Outbox of one: the `message.updated` / `message.deleted` envelope of the last edit or delete, written
   * in the same single-document update as the change and removed once the broker confirmed it. A newer
   * change replaces an unpublished older event (only the final state matters to clients).
   */
  pendingEvent?: PendingEvent | null;
}

export interface PendingEvent {
  /** The envelope id. */
  id: string;
  /** The envelope as JSON (validated again when it is published). */
  body: string;
  at: Date;
}

export interface ReactionCount {
  emoji: string;
  count: number;
}

export const MESSAGE_INDEX = { channelId: 1, _id: 1 } as const;
/** Serves mentionCount: `{mentions: user, channelId, _id > lastReadId}`, at most 100 keys per channel. */
export const MENTION_INDEX = { mentions: 1, channelId: 1, _id: 1 } as const;

export const messageSchema = new Schema<MessageDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    channelId: { type: Schema.Types.ObjectId, required: true },
    serverId: { type: Schema.Types.ObjectId, default: null },
    author: {
      _id: false,
      id: { type: Schema.Types.ObjectId, required: true },
      username: { type: String, required: true },
      displayName: { type: String },
      avatarUrl: { type: String, default: null },
    },
    content: { type: String },
    nonce: { type: String },
    createdAt: { type: Date, required: true },
    editedAt: { type: Date, default: null },
    deletedAt: { type: Date, default: null },
    deletedBy: { type: Schema.Types.ObjectId },
    reactions: {
      type: [new Schema<ReactionCount>({ emoji: String, count: Number }, { _id: false })],
      default: undefined,
    },
    mentions: { type: [Schema.Types.ObjectId], default: undefined },
    pendingEvent: {
      type: new Schema<PendingEvent>({ id: String, body: String, at: Date }, { _id: false }),
      default: undefined,
    },
  },
  { collection: 'messages', versionKey: false, autoIndex: false, strict: 'throw' },
);
/** Serves: pages (none/before/after/around), message lookups by (channelId, _id), channel deletes. */
messageSchema.index(MESSAGE_INDEX, { name: 'channelId_1__id_1' });
/** Serves mentionCount (partial: only messages that mention someone are in it). */
messageSchema.index(MENTION_INDEX, { name: 'mentions_1_channelId_1__id_1', partialFilterExpression: { mentions: { $exists: true } } });
/** Serves the outbox sweep (sparse: only messages with an unpublished event are in it). */
messageSchema.index({ 'pendingEvent.at': 1 }, { name: 'pendingEvent_at_1', sparse: true });

/**
 * Channels and servers known to be deleted. A `message.created` that reaches history after its channel
 * (or server) was deleted is removed right after it is written, so late or redelivered events never
 * leave orphans behind. Ids are never reused, so tombstones are kept.
 */
export interface ScopeTombstoneDoc {
  /** The channel or server id. */
  _id: Types.ObjectId;
  kind: 'channel' | 'server';
  deletedAt: Date;
}

export const scopeTombstoneSchema = new Schema<ScopeTombstoneDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['channel', 'server'], required: true },
    deletedAt: { type: Date, required: true },
  },
  { collection: 'deleted_scopes', versionKey: false, autoIndex: false },
);

export interface MessageModels {
  Message: Model<MessageDoc>;
  ScopeTombstone: Model<ScopeTombstoneDoc>;
}

/** Registers the models on a connection (no I/O). */
export function messageModels(conn: Connection): MessageModels {
  return {
    Message: conn.models.Message ?? conn.model<MessageDoc>('Message', messageSchema),
    ScopeTombstone: conn.models.ScopeTombstone ?? conn.model<ScopeTombstoneDoc>('ScopeTombstone', scopeTombstoneSchema),
  } as MessageModels;
}
