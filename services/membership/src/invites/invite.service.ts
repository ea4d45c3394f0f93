import { Types } from 'mongoose';
import { LIMITS, type AuthenticatedUser, type CreateInviteRequest, type Invite, type InvitePreview } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import { isDuplicateKey, type Models } from '../db/models.js';
import type { MemberService } from '../members/member.service.js';
import type { InviteDoc } from './invite.schema.js';
import type { RequireInvitePermission } from './invite.access.js';
import { newInviteCode } from './invite-code.js';

export interface InviteService {
  create(serverId: string, user: AuthenticatedUser, input: CreateInviteRequest): Promise<Invite>;
  list(serverId: string, user: AuthenticatedUser): Promise<Invite[]>;
  preview(code: string): Promise<InvitePreview>;
  redeem(code: string, user: AuthenticatedUser, correlationId?: string): Promise<{ serverId: string }>;
  revoke(code: string, user: AuthenticatedUser): Promise<void>;
}

/** Most invites one list shows (a server's managers rarely keep more than a handful live). */
const MAX_LISTED = 1_000;
/** A fresh code colliding with a live one (72 random bits) is drawn again this many times. */
const CODE_ATTEMPTS = 3;

export const inviteNotFound = () => new AppError('NOT_FOUND', 'Invite not found, expired or used up');

type InviteFields = Pick<InviteDoc, '_id' | 'code' | 'serverId' | 'inviterId' | 'uses' | 'maxUses' | 'expiresAt'>;
const INVITE_PROJECTION = { code: 1, serverId: 1, inviterId: 1, uses: 1, maxUses: 1, expiresAt: 1 } as const;

/** Not expired and not used up, at `now`. */
const isLive = (invite: InviteFields, now: Date) => invite.expiresAt > now && (invite.maxUses === null || invite.uses < invite.maxUses);

/**
 * Takes one use with ONE conditional update: only while `uses < maxUses` and not expired, so of any
 * number of concurrent redemptions at most the remaining uses succeed. NOT_FOUND when none is left.
 */
async function claimUse(models: Models, invite: InviteFields): Promise<void> {
  const claim: Record<string, unknown> = { _id: invite._id, expiresAt: { $gt: new Date() } };
  if (invite.maxUses !== null) claim.uses = { $lt: invite.maxUses };
  const claimed = await models.Invite.updateOne(claim, { $inc: { uses: 1 } });
  if (claimed.modifiedCount !== 1) throw inviteNotFound();
}

export function toInvite(doc: InviteFields): Invite {
  return {
    code: doc.code,
    serverId: doc.serverId.toHexString(),
    inviterId: doc.inviterId.toHexString(),
    uses: doc.uses,
    maxUses: doc.maxUses ?? null,
    expiresAt: doc.expiresAt.toISOString(),
  };
}

/**
 * SPEC 14 invites. A redemption claims a use with ONE conditional update (`uses < maxUses`, not
 * expired) before joining through the members' join path (so every refusal of PUT members/@me but
 * "private" applies: bans, quotas), and gives the use back when that join fails. So concurrent
 * redemptions never pass `maxUses`, and a refused join costs the invite nothing.
 */
export function createInviteService(deps: {
  models: Models;
  members: MemberService;
  requirePermission: RequireInvitePermission;
}): InviteService {
  const { models, members, requirePermission } = deps;
  const findLive = async (code: string): Promise<InviteFields> => {
    const invite = await models.Invite.findOne({ code }, INVITE_PROJECTION).lean();
    if (!invite || !isLive(invite, new Date())) throw inviteNotFound();
    return invite;
  };

  return {
    async create(serverId, user, input) {
      await requirePermission(serverId, user.id, 'CREATE_INVITES');
      const now = new Date();
      const fields = {
        serverId: new Types.ObjectId(serverId),
        inviterId: new Types.ObjectId(user.id),
        uses: 0,
        maxUses: input.maxUses ?? null,
        expiresAt: new Date(now.getTime() + (input.expiresInSeconds ?? LIMITS.inviteExpiresDefaultSeconds) * 1000),
        createdAt: now,
      };
      for (let attempt = 1; ; attempt++) {
        try {
          const [doc] = await models.Invite.create([{ ...fields, code: newInviteCode() }]);
          if (!doc) throw new Error('invite not created');
          return toInvite(doc);
        } catch (err) {
          if (!isDuplicateKey(err) || attempt >= CODE_ATTEMPTS) throw err;
        }
      }
    },

    async list(serverId, user) {
      await requirePermission(serverId, user.id, 'MANAGE_SERVER');
      const now = new Date();
      const docs = await models.Invite.find({ serverId: new Types.ObjectId(serverId), expiresAt: { $gt: now } }, INVITE_PROJECTION)
        .sort({ _id: -1 })
        .limit(MAX_LISTED)
        .lean();
      return docs.filter((d) => isLive(d, now)).map(toInvite);
    },

    async preview(code) {
      const invite = await findLive(code);
      const server = await models.Server.findById(invite.serverId, { name: 1, description: 1, memberCount: 1 }).lean();
      if (!server) throw inviteNotFound();
      return {
        code: invite.code,
        server: {
          id: server._id.toHexString(),
          name: server.name,
          description: server.description ?? '',
          memberCount: Math.max(0, server.memberCount ?? 0),
        },
        expiresAt: invite.expiresAt.toISOString(),
      };
    },

    async redeem(code, user, correlationId) {
      const invite = await findLive(code);
      const serverId = invite.serverId.toHexString();
      // Already a member: 409 before any use is claimed (a race past this check gets its use back below).
      if (await models.Member.exists({ serverId: invite.serverId, userId: new Types.ObjectId(user.id) })) {
        throw new AppError('ALREADY_MEMBER', 'You are already a member of this server');
      }
      await claimUse(models, invite);
      try {
        await members.join(serverId, user, correlationId, { via: 'invite' });
      } catch (err) {
        await models.Invite.updateOne({ _id: invite._id }, { $inc: { uses: -1 } });
        throw err;
      }
      return { serverId };
    },

    async revoke(code, user) {
      const invite = await models.Invite.findOne({ code }, INVITE_PROJECTION).lean();
      if (!invite) throw inviteNotFound();
      if (!invite.inviterId.equals(user.id)) await requirePermission(invite.serverId.toHexString(), user.id, 'MANAGE_SERVER');
      await models.Invite.deleteOne({ _id: invite._id });
    },
  };
}
