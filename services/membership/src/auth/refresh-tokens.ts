import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { AppError, type Logger } from '@chorus/runtime';
import type { Models } from '../db/models.js';

export interface RefreshTokenStore {
  /** Starts a new family (a login session) and returns its first token. */
  start(userId: string): Promise<string>;
  /**
   * Exchanges a token for the next one of its family. The presented token stops working; presenting a
   * token that was already used revokes the whole family. Anything wrong → UNAUTHENTICATED.
   */
  rotate(token: string): Promise<{ userId: string; refreshToken: string }>;
  /** Revokes the token's family; unknown or malformed tokens are ignored (logout never leaks). */
  revoke(token: string): Promise<void>;
}

/** `<familyId>.<secret>`: 24 hex, a dot, 32 random bytes base64url. */
const TOKEN_SHAPE = /^[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/;
const sha256 = (token: string) => createHash('sha256').update(token).digest('base64url');
const invalid = () => new AppError('UNAUTHENTICATED', 'Refresh token is invalid, expired or revoked');

/** Opaque, random refresh tokens stored only as sha256 (a database leak does not leak sessions). */
export function createRefreshTokenStore(deps: { models: Models; logger: Logger; ttlSeconds: number }): RefreshTokenStore {
  const { models, logger, ttlSeconds } = deps;

  const issue = async (familyId: Types.ObjectId, userId: Types.ObjectId): Promise<string> => {
    const token = `${familyId.toHexString()}.${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    await models.RefreshToken.create([{ familyId, userId, tokenHash: sha256(token), usedAt: null, expiresAt }]);
    await models.TokenFamily.updateOne({ _id: familyId }, { $max: { expiresAt } });
    return token;
  };

  const revokeFamily = (familyId: Types.ObjectId) =>
    models.TokenFamily.updateOne({ _id: familyId, revokedAt: null }, { $set: { revokedAt: new Date() } });

  return {
    async start(userId) {
      const familyId = new Types.ObjectId();
      const owner = new Types.ObjectId(userId);
      const now = new Date();
      await models.TokenFamily.create([
        { _id: familyId, userId: owner, revokedAt: null, createdAt: now, expiresAt: new Date(now.getTime() + ttlSeconds * 1000) },
      ]);
      return issue(familyId, owner);
    },

    async rotate(token) {
      if (!TOKEN_SHAPE.test(token)) throw invalid();
      const tokenHash = sha256(token);
      const now = new Date();
      // Atomic claim: of two concurrent presentations exactly one finds it unused.
      const claimed = await models.RefreshToken.findOneAndUpdate(
        { tokenHash, usedAt: null },
        { $set: { usedAt: now } },
        { returnDocument: 'before', projection: { familyId: 1, userId: 1, expiresAt: 1 } },
      ).lean();
      if (!claimed) {
        const used = await models.RefreshToken.findOne({ tokenHash }, { familyId: 1, userId: 1 }).lean();
        if (used) {
          await revokeFamily(used.familyId);
          logger.warn({ familyId: used.familyId.toHexString(), userId: used.userId.toHexString() }, 'refresh token reused; family revoked');
        }
        throw invalid();
      }
      if (claimed.expiresAt.getTime() <= now.getTime()) throw invalid();
      const family = await models.TokenFamily.findById(claimed.familyId, { revokedAt: 1 }).lean();
      if (!family || family.revokedAt) throw invalid();
      const refreshToken = await issue(claimed.familyId, claimed.userId);
      return { userId: claimed.userId.toHexString(), refreshToken };
    },

    async revoke(token) {
      if (!TOKEN_SHAPE.test(token)) return;
      const found = await models.RefreshToken.findOne({ tokenHash: sha256(token) }, { familyId: 1 }).lean();
      if (found) await revokeFamily(found.familyId);
    },
  };
}
