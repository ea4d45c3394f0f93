import { Types } from 'mongoose';
import type { AuthenticatedUser, IsMemberResponse, JoinResponse, ListMembersQuery, Member } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import { isDuplicateKey, type Models } from '../db/models.js';
import { membershipEvent, type MembershipEvents } from '../events/membership-events.js';
import { loadServer, serverNotFound } from '../servers/server.access.js';
import type { PresenceReader } from './presence-reader.js';
import { assertServerSlot, limitReached, serversOf, tooManyServers, type Quotas } from '../quotas/quotas.js';
import { assertNotBanned, isBanned, bannedError } from '../bans/ban.check.js';
import { createPermissionChecker } from '../permissions/permission-checker.js';

/** How a join came about: `invite` may enter a private server (SPEC 14). */
export interface JoinOptions {
  via: 'direct' | 'invite';
}

export interface MemberService {
  /** The one join path (PUT members/@me and invite redemption): every refusal (private, quota, ban) is decided here. */
  join(serverId: string, user: AuthenticatedUser, correlationId?: string, options?: JoinOptions): Promise<JoinResponse>;
  leave(serverId: string, user: AuthenticatedUser, correlationId?: string): Promise<void>;
  /** With `channelId`, the permissions are the caller's in that channel (after its overrides). */
  isMember(serverId: string, user: AuthenticatedUser, channelId?: string): Promise<IsMemberResponse>;
  list(serverId: string, user: AuthenticatedUser, query: ListMembersQuery): Promise<Member[]>;
}

/**
 * Membership with the seed's semantics. No transactions: the unique (serverId, userId) index decides
 * concurrent joins (one insert wins, the other gets E11000 → ALREADY_MEMBER), and memberCount moves
 * with $inc only after the membership insert/delete itself succeeded.
 */
/**
 * After the insert: concurrent joins by one user all passed the check before it, so whoever now sees
 * the quota exceeded backs out (all of them may; a retry works). So no race leaves a user past it.
 */
async function backOutPastQuota(models: Models, quotas: Quotas, membership: { serverId: Types.ObjectId; userId: Types.ObjectId }) {
  if ((await serversOf(models, membership.userId.toHexString())) <= quotas.serversPerUser) return;
  await models.Member.deleteOne(membership);
  throw limitReached(quotas.serversPerUser, tooManyServers(quotas.serversPerUser));
}

interface MemberServiceDeps {
  models: Models;
  events: MembershipEvents;
  presence: PresenceReader;
  quotas: Quotas;
}

export function createMemberService(deps: MemberServiceDeps): MemberService {
  const { models, events, presence, quotas } = deps;
  const key = (serverId: string, userId: string) => ({ serverId: new Types.ObjectId(serverId), userId: new Types.ObjectId(userId) });
  const permissions = createPermissionChecker(models);

  return {
    /** The one join path (SPEC 3, and invites of SPEC 14): refuses banned users (bans/ban.check.ts), private servers but by invite, and past the quota. */
    async join(serverId, user, correlationId, options = { via: 'direct' }) {
      const server = await loadServer(models, serverId);
      await assertNotBanned(models, serverId, user.id);
      if (server.visibility === 'private' && options.via !== 'invite') {
        throw new AppError('FORBIDDEN', 'This server is private: join it with an invite');
      }
      await assertServerSlot(models, quotas, user.id);
      const joinedAt = new Date();
      await events.record(membershipEvent.memberJoined(serverId, user.id, correlationId), async () => {
        try {
          await models.Member.create([{ ...key(serverId, user.id), username: user.username, joinedAt }]);
        } catch (err) {
          if (isDuplicateKey(err)) throw new AppError('ALREADY_MEMBER', 'You are already a member of this server');
          throw err;
        }
        await backOutPastQuota(models, quotas, key(serverId, user.id));
        const bumped = await models.Server.updateOne({ _id: new Types.ObjectId(serverId) }, { $inc: { memberCount: 1 } });
        if (bumped.matchedCount !== 1) {
          // The server was deleted while we joined: back out.
          await models.Member.deleteOne(key(serverId, user.id));
          throw serverNotFound();
        }
        if (await isBanned(models, serverId, user.id)) {
          // Banned while we joined (the ban's membership delete ran before our insert): back out.
          const removed = await models.Member.deleteOne(key(serverId, user.id));
          if (removed.deletedCount === 1)
            await models.Server.updateOne({ _id: new Types.ObjectId(serverId) }, { $inc: { memberCount: -1 } });
          throw bannedError();
        }
      });
      return { serverId, userId: user.id, joinedAt: joinedAt.toISOString() };
    },

    async leave(serverId, user, correlationId) {
      const server = await loadServer(models, serverId);
      if (server.ownerId.equals(user.id)) {
        throw new AppError('OWNER_CANNOT_LEAVE', 'The owner cannot leave the server; delete it instead');
      }
      await events.record(membershipEvent.memberLeft(serverId, user.id, correlationId), async () => {
        const gone = await models.Member.deleteOne(key(serverId, user.id));
        if (gone.deletedCount !== 1) throw new AppError('NOT_FOUND', 'You are not a member of this server');
        await models.Server.updateOne({ _id: server._id }, { $inc: { memberCount: -1 } });
      });
    },

    async isMember(serverId, user, channelId) {
      if (channelId && !(await models.Channel.exists({ _id: new Types.ObjectId(channelId), serverId: new Types.ObjectId(serverId) })))
        throw new AppError('NOT_FOUND', 'Channel not found');
      const { view, permissions: granted } = await permissions.actor(serverId, user.id, channelId);
      return { isMember: view.isMember, permissions: granted, roleIds: view.roleIds };
    },

    async list(serverId, user, query) {
      await loadServer(models, serverId);
      const self = await models.Member.findOne(key(serverId, user.id), { _id: 1 }).lean();
      if (!self) throw new AppError('NOT_MEMBER', 'Only members can list the members of this server');
      const filter: Record<string, unknown> = { serverId: new Types.ObjectId(serverId) };
      if (query.after) {
        const cursor = await models.Member.findOne(key(serverId, query.after), { _id: 1 }).lean();
        if (!cursor) {
          throw new AppError('VALIDATION_FAILED', 'Invalid cursor', [{ path: 'after', message: 'is not a member of this server' }]);
        }
        filter._id = { $gt: cursor._id };
      }
      const docs = await models.Member.find(filter, { userId: 1, username: 1, joinedAt: 1, roleIds: 1 })
        .sort({ _id: 1 })
        .limit(query.limit)
        .lean();
      const statuses = await presence.statuses(docs.map((d) => d.userId.toHexString()));
      return docs.map((d, i) => ({
        userId: d.userId.toHexString(),
        username: d.username,
        joinedAt: d.joinedAt.toISOString(),
        status: statuses[i] ?? 'offline',
        roleIds: (d.roleIds ?? []).map((id) => id.toHexString()),
      }));
    },
  };
}
