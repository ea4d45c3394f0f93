import { Types } from 'mongoose';
import type { AuthenticatedUser, Ban, BanRequest } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import { isDuplicateKey, type Models } from '../db/models.js';
import { membershipEvent, type MembershipEvents } from '../events/membership-events.js';
import type { PermissionChecker } from '../permissions/permission-checker.js';
import { assertCanRemove } from '../permissions/hierarchy.js';
import { removeMembership } from '../members/remove-member.js';

export interface BanService {
  ban(serverId: string, userId: string, user: AuthenticatedUser, body: BanRequest, correlationId?: string): Promise<void>;
  unban(serverId: string, userId: string, user: AuthenticatedUser): Promise<void>;
  list(serverId: string, user: AuthenticatedUser): Promise<Ban[]>;
}

/** The most bans one list answers (newest first). */
const MAX_BANS_LISTED = 1_000;

/**
 * Bans (SPEC 15), all BAN_MEMBERS. A ban names any existing user, member or not (a troll can be banned
 * before they join); a member must rank below the caller, and the owner never can be banned. Banning
 * again updates the reason (204). The ban document is written first and the membership deleted second,
 * inside `member.banned` around `member.left` (as a kick): the join path checks for a ban after its
 * insert, so a join racing a ban never survives it (bans/ban.check.ts). `member.left` is published even
 * when the user was no member (harmless: gateways find nothing to evict) so that race is covered too.
 */
export function createBanService(deps: { models: Models; events: MembershipEvents; permissions: PermissionChecker }): BanService {
  const { models, events, permissions } = deps;
  const key = (serverId: string, userId: string) => ({ serverId: new Types.ObjectId(serverId), userId: new Types.ObjectId(userId) });

  return {
    async ban(serverId, userId, user, body, correlationId) {
      const actor = await permissions.requirePermission(serverId, user.id, 'BAN_MEMBERS');
      const target = await permissions.actor(serverId, userId);
      assertCanRemove(actor, target, 'ban');
      const banned = await models.User.findById(new Types.ObjectId(userId), { username: 1 }).lean();
      if (!banned) throw new AppError('NOT_FOUND', 'User not found');
      const bannedEvent = membershipEvent.memberBanned(serverId, userId, user.id, correlationId);
      const left = membershipEvent.memberLeft(serverId, userId, correlationId);
      await events.record(bannedEvent, () =>
        events.record(left, async () => {
          const set = { reason: body.reason ?? null, bannedBy: new Types.ObjectId(user.id) };
          try {
            await models.Ban.updateOne(
              key(serverId, userId),
              { $set: set, $setOnInsert: { username: banned.username, createdAt: new Date() } },
              { upsert: true },
            );
          } catch (err) {
            // Two bans racing to insert: the unique index lets one in; the other updates it.
            if (!isDuplicateKey(err)) throw err;
            await models.Ban.updateOne(key(serverId, userId), { $set: set });
          }
          await removeMembership(models, serverId, userId);
        }),
      );
    },

    async unban(serverId, userId, user) {
      await permissions.requirePermission(serverId, user.id, 'BAN_MEMBERS');
      const gone = await models.Ban.deleteOne(key(serverId, userId));
      if (gone.deletedCount !== 1) throw new AppError('NOT_FOUND', 'That user is not banned from this server');
    },

    async list(serverId, user) {
      await permissions.requirePermission(serverId, user.id, 'BAN_MEMBERS');
      const docs = await models.Ban.find({ serverId: new Types.ObjectId(serverId) })
        .sort({ _id: -1 })
        .limit(MAX_BANS_LISTED)
        .lean();
      return docs.map((d) => ({
        userId: d.userId.toHexString(),
        username: d.username,
        reason: d.reason ?? null,
        bannedBy: d.bannedBy.toHexString(),
        createdAt: d.createdAt.toISOString(),
      }));
    },
  };
}
