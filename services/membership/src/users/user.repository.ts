import { Types } from 'mongoose';
import { AppError } from '@chorus/runtime';
import type { PublicUser, UpdateProfileRequest, UserProfile } from '@chorus/contracts';
import { isDuplicateKey, type Models } from '../db/models.js';
import { PROFILE_FIELDS, prefixRange, toProfile, type ProfileDoc } from './user.profile.js';

export interface UserWithHash extends PublicUser {
  passwordHash: string;
}

export interface UserRepository {
  /** Throws CONFLICT when the name is taken (case-insensitively); the unique index decides races. */
  create(username: string, passwordHash: string): Promise<PublicUser>;
  findForLogin(username: string): Promise<UserWithHash | null>;
  findById(id: string): Promise<UserProfile | null>;
  /** Profiles of `ids` that exist, keyed by id. */
  findMany(ids: readonly string[]): Promise<Map<string, UserProfile>>;
  /** Null when the user does not exist. */
  update(id: string, changes: UpdateProfileRequest): Promise<UserProfile | null>;
  /** Case-insensitive prefix of username or displayName, by username; `prefix` is already lower-cased. */
  search(prefix: string, limit: number): Promise<UserProfile[]>;
}

export function createUserRepository(models: Models): UserRepository {
  const byPrefix = (field: 'usernameLower' | 'displayNameLower', prefix: string, limit: number) =>
    models.User.find({ [field]: prefixRange(prefix) }, PROFILE_FIELDS)
      .sort({ [field]: 1 })
      .limit(limit)
      .lean<ProfileDoc[]>();

  return {
    async create(username, passwordHash) {
      try {
        const lower = username.toLowerCase();
        const [doc] = await models.User.create([
          { username, usernameLower: lower, passwordHash, createdAt: new Date(), displayName: username, displayNameLower: lower },
        ]);
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
      const doc = await models.User.findById(new Types.ObjectId(id), PROFILE_FIELDS).lean<ProfileDoc>();
      return doc ? toProfile(doc) : null;
    },
    async findMany(ids) {
      const docs = await models.User.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }, PROFILE_FIELDS).lean<ProfileDoc[]>();
      return new Map(docs.map((d) => [d._id.toHexString(), toProfile(d)]));
    },
    async update(id, changes) {
      const set: Record<string, unknown> = {};
      if (changes.displayName !== undefined) {
        set.displayName = changes.displayName;
        set.displayNameLower = changes.displayName.toLowerCase();
      }
      if (changes.avatarUrl !== undefined) set.avatarUrl = changes.avatarUrl;
      if (changes.bio !== undefined) set.bio = changes.bio;
      const doc = await models.User.findOneAndUpdate(
        { _id: new Types.ObjectId(id) },
        { $set: set },
        { returnDocument: 'after', projection: PROFILE_FIELDS },
      )
        .lean<ProfileDoc>()
        .exec();
      return doc ? toProfile(doc) : null;
    },
    async search(prefix, limit) {
      // Two index range scans, merged: a username match first, then display-name-only matches.
      const [byName, byDisplay] = await Promise.all([
        byPrefix('usernameLower', prefix, limit),
        byPrefix('displayNameLower', prefix, limit),
      ]);
      const seen = new Map<string, UserProfile>();
      for (const doc of [...byName, ...byDisplay]) if (!seen.has(doc._id.toHexString())) seen.set(doc._id.toHexString(), toProfile(doc));
      return [...seen.values()].slice(0, limit);
    },
  };
}
