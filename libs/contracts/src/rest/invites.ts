import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { IsoDateTime, ObjectIdString } from '../ids.js';

/** An invite code: 8–16 URL-safe characters (base64url alphabet), chosen by a CSPRNG (SPEC 14). */
export const InviteCode = z
  .string()
  .min(LIMITS.inviteCodeMinChars)
  .max(LIMITS.inviteCodeMaxChars)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be URL-safe characters (A-Z a-z 0-9 _ -)');
export type InviteCode = z.infer<typeof InviteCode>;

export const InviteCodeParams = z.strictObject({ code: InviteCode });

/** POST /api/servers/:serverId/invites. Defaults: 7 days, unlimited uses. */
export const CreateInviteRequest = z.strictObject({
  maxUses: z.number().int().min(LIMITS.inviteMaxUsesMin).max(LIMITS.inviteMaxUsesMax).optional(),
  expiresInSeconds: z.number().int().min(LIMITS.inviteExpiresMinSeconds).max(LIMITS.inviteExpiresMaxSeconds).optional(),
});
export type CreateInviteRequest = z.infer<typeof CreateInviteRequest>;

/** An invite as its server's managers see it (201 of create, items of the list). `maxUses: null` = unlimited. */
export const Invite = z.object({
  code: InviteCode,
  serverId: ObjectIdString,
  inviterId: ObjectIdString,
  uses: z.number().int().nonnegative(),
  maxUses: z.number().int().positive().nullable(),
  expiresAt: IsoDateTime,
});
export type Invite = z.infer<typeof Invite>;

/** GET /api/servers/:serverId/invites — the server's live invites (not expired, not used up), newest first. */
export const ListInvitesResponse = z.object({ invites: z.array(Invite) });
export type ListInvitesResponse = z.infer<typeof ListInvitesResponse>;

/** GET /api/invites/:code (public): what someone holding the link may see before joining. */
export const InvitePreview = z.object({
  code: InviteCode,
  server: z.object({
    id: ObjectIdString,
    name: z.string(),
    description: z.string(),
    memberCount: z.number().int().nonnegative(),
  }),
  expiresAt: IsoDateTime,
});
export type InvitePreview = z.infer<typeof InvitePreview>;

/** 201 of POST /api/invites/:code: the caller is now a member of `serverId`. */
export const RedeemInviteResponse = z.object({ serverId: ObjectIdString });
export type RedeemInviteResponse = z.infer<typeof RedeemInviteResponse>;
