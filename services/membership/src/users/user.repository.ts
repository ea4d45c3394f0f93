import { Types } from 'mongoose';
import { AppError } from '@chorus/runtime';
import type { MeResponse, PublicUser } from '@chorus/contracts';
import { isDuplicateKey, type Models } from '../db/models.js';

export interface UserWithHash extends PublicUser {
  passwordHash: string;
}

export interface UserRepository {
  /** Throws CONFLICT when the name is taken (case-insensitively); the unique index decides races. */
  create(username: string, passwordHash: string): Promise<PublicUser>;
  findForLogin(username: string): Promise<UserWithHash | null>;
  findById(id: string): Promise<MeResponse | null>;
}

export function createUserRepository(models: Models): UserRepository {
  return {
    async create(username, passwordHash) {
      try {
        const [doc] = await models.User.create([{ username, usernameLower: username.toLowerCase(), passwordHash, createdAt: new Date() }]);
        if (!doc) throw new Error('user not created');
        return { id: doc._id.toHexString(), username: doc.username };
      } catch (err) {
        if (isDuplicateKey(err)) throw new AppError('CONFLICT', 'That username is taken');
        throw err;
      }
    },
    async findForLogin(username) {
      const doc = await models.User.findOne({ usernameLower: username.toLowerCase() }, { username: 1, passwordHash: 1 }).lean();
      return doc ? { id: doc._id.toHexString(), username: doc.username, passwordHash: doc.passwordHash } : null;
    },
    async findById(id) {
      const doc = await models.User.findById(new Types.ObjectId(id), { username: 1, createdAt: 1 }).lean();
      return doc ? { id: doc._id.toHexString(), username: doc.username, createdAt: doc.createdAt.toISOString() } : null;
    },
  };
}
