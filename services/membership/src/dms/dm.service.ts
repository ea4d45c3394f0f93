import { Types } from 'mongoose';
import type { DmChannel, UserProfile } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import { isDuplicateKey, type Models } from '../db/models.js';
import type { UserRepository } from '../users/user.repository.js';
import { pairKeyOf, type DmDoc } from './dm.schema.js';

export interface DmService {
  /** The DM with `otherId`, created when there is none yet (`created` tells which). */
  open(callerId: string, otherId: string): Promise<{ dm: DmChannel; created: boolean }>;
  /** The caller's DMs, most recent message first. */
  list(callerId: string): Promise<DmChannel[]>;
  /** A message was accepted in the DM (idempotent, out-of-order safe: only a newer id moves it). */
  recordActivity(channelId: string, messageId: string): Promise<void>;
}

/** How many DMs `GET /api/dms` returns (the most recent ones). */
const LIST_LIMIT = 100;

type DmFields = Pick<DmDoc, '_id' | 'userIds' | 'lastMessageId'>;

export function createDmService(deps: { models: Models; users: UserRepository }): DmService {
  const { models, users } = deps;
  const oid = (id: string) => new Types.ObjectId(id);

  const toDm = (doc: DmFields, profiles: Map<string, UserProfile>): DmChannel | null => {
    const [a, b] = doc.userIds.map((id) => profiles.get(id.toHexString()));
    if (!a || !b) return null;
    return { id: doc._id.toHexString(), type: 'dm', recipients: [a, b], lastMessageId: doc.lastMessageId?.toHexString() ?? null };
  };

  const findPair = (pairKey: string) => models.Dm.findOne({ pairKey }, { userIds: 1, lastMessageId: 1 }).lean<DmFields>();

  return {
    async open(callerId, otherId) {
      if (callerId === otherId) {
        throw new AppError('VALIDATION_FAILED', 'A direct message needs another user', [
          { path: 'userId', message: 'must not be yourself' },
        ]);
      }
      const profiles = await users.findMany([callerId, otherId]);
      if (!profiles.has(otherId)) throw new AppError('NOT_FOUND', 'No such user');
      if (!profiles.has(callerId)) throw new AppError('UNAUTHENTICATED', 'This account no longer exists');
      const pairKey = pairKeyOf(callerId, otherId);
      const existing = await findPair(pairKey);
      let created = false;
      let doc = existing;
      if (!doc) {
        const now = new Date();
        const userIds: [Types.ObjectId, Types.ObjectId] = [oid(callerId), oid(otherId)];
        const fresh = { _id: new Types.ObjectId(), pairKey, userIds, createdAt: now, lastMessageId: null, lastActivityAt: now };
        try {
          await models.Dm.collection.insertOne(fresh);
          doc = fresh;
          created = true;
        } catch (err) {
          // The other side opened it at the same moment: theirs is the one.
          if (!isDuplicateKey(err)) throw err;
          doc = await findPair(pairKey);
        }
      }
      const dm = doc ? toDm(doc, profiles) : null;
      if (!dm) throw new Error(`DM ${pairKey} vanished while opening it`);
      return { dm, created };
    },

    async list(callerId) {
      const docs = await models.Dm.find({ userIds: oid(callerId) }, { userIds: 1, lastMessageId: 1 })
        .sort({ lastActivityAt: -1, _id: -1 })
        .limit(LIST_LIMIT)
        .lean<DmFields[]>();
      const ids = new Set(docs.flatMap((d) => d.userIds.map((id) => id.toHexString())));
      const profiles = await users.findMany([...ids]);
      return docs.map((d) => toDm(d, profiles)).filter((d): d is DmChannel => d !== null);
    },

    async recordActivity(channelId, messageId) {
      const id = oid(messageId);
      await models.Dm.updateOne(
        { _id: oid(channelId), $or: [{ lastMessageId: null }, { lastMessageId: { $lt: id } }] },
        { $set: { lastMessageId: id, lastActivityAt: new Date() } },
      );
    },
  };
}
