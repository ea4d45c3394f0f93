import type { UserProfile } from '@chorus/contracts';
import type { UserDoc } from './user.schema.js';

/** The fields a profile is read from (projection of every profile query). */
export const PROFILE_FIELDS = { username: 1, displayName: 1, avatarUrl: 1, bio: 1, createdAt: 1 } as const;

export type ProfileDoc = Pick<UserDoc, '_id' | 'username' | 'displayName' | 'avatarUrl' | 'bio' | 'createdAt'>;

/** The one place a stored user becomes its public profile (defaults for accounts older than profiles). */
export function toProfile(doc: ProfileDoc): UserProfile {
  return {
    id: doc._id.toHexString(),
    username: doc.username,
    displayName: doc.displayName ?? doc.username,
    avatarUrl: doc.avatarUrl ?? null,
    bio: doc.bio ?? '',
    createdAt: doc.createdAt.toISOString(),
  };
}

/**
 * The range `[prefix, prefix + U+FFFF)` on a lower-cased field: an anchored prefix match written as index
 * bounds (mongod turns `/^abc/` into the same range). No RegExp is ever built from the input, and the
 * input is a plain string compared as a value (zod refused anything else), so `$` operators in `q` are text.
 */
export const prefixRange = (prefix: string) => ({ $gte: prefix, $lt: `${prefix}\uffff` });
