import type { Connection, Model } from 'mongoose';
import { userSchema, type UserDoc } from '../users/user.schema.js';
import { refreshTokenSchema, tokenFamilySchema, type RefreshTokenDoc, type TokenFamilyDoc } from '../auth/refresh-token.schema.js';
import { categorySchema, type CategoryDoc } from '../categories/category.schema.js';
import { serverSchema, type ServerDoc } from '../servers/server.schema.js';
import { channelSchema, type ChannelDoc } from '../channels/channel.schema.js';
import { memberSchema, type MemberDoc } from '../members/member.schema.js';
import { outboxSchema, type OutboxDoc } from '../events/outbox.schema.js';
import { dmSchema, type DmDoc } from '../dms/dm.schema.js';
import { inviteSchema, type InviteDoc } from '../invites/invite.schema.js';
import { roleSchema, type RoleDoc } from '../roles/role.schema.js';
import { overrideSchema, type OverrideDoc } from '../overrides/override.schema.js';
import { banSchema, type BanDoc } from '../bans/ban.schema.js';

export interface Models {
  User: Model<UserDoc>;
  RefreshToken: Model<RefreshTokenDoc>;
  TokenFamily: Model<TokenFamilyDoc>;
  Category: Model<CategoryDoc>;
  Server: Model<ServerDoc>;
  Channel: Model<ChannelDoc>;
  Member: Model<MemberDoc>;
  Outbox: Model<OutboxDoc>;
  Dm: Model<DmDoc>;
  Invite: Model<InviteDoc>;
  Role: Model<RoleDoc>;
  Override: Model<OverrideDoc>;
  Ban: Model<BanDoc>;
}

/** Compiles every model on one connection (no I/O). */
export function createModels(conn: Connection): Models {
  return {
    User: conn.model<UserDoc>('User', userSchema),
    RefreshToken: conn.model<RefreshTokenDoc>('RefreshToken', refreshTokenSchema),
    TokenFamily: conn.model<TokenFamilyDoc>('TokenFamily', tokenFamilySchema),
    Category: conn.model<CategoryDoc>('Category', categorySchema),
    Server: conn.model<ServerDoc>('Server', serverSchema),
    Channel: conn.model<ChannelDoc>('Channel', channelSchema),
    Member: conn.model<MemberDoc>('Member', memberSchema),
    Outbox: conn.model<OutboxDoc>('Outbox', outboxSchema),
    Dm: conn.model<DmDoc>('Dm', dmSchema),
    Invite: conn.model<InviteDoc>('Invite', inviteSchema),
    Role: conn.model<RoleDoc>('Role', roleSchema),
    Override: conn.model<OverrideDoc>('Override', overrideSchema),
    Ban: conn.model<BanDoc>('Ban', banSchema),
  };
}

/** MongoDB's duplicate-key error (what decides races on unique indexes). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
