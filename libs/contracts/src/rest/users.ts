import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { IsoDateTime, ObjectIdString } from '../ids.js';
import { codePointLength } from './messages.js';
import { queryInt } from './servers.js';

/** No control characters (they would break a name's rendering and logs); other Unicode is welcome. */
const noControl = (s: string) => !/\p{Cc}/u.test(s);

/** 1–32 code points after trimming (SPEC 10). */
export const DisplayName = z
  .string()
  .max(LIMITS.displayNameMaxChars * 4)
  .transform((s) => s.trim())
  .refine((s) => codePointLength(s) >= LIMITS.displayNameMinChars, 'must not be empty')
  .refine((s) => codePointLength(s) <= LIMITS.displayNameMaxChars, `must be at most ${LIMITS.displayNameMaxChars} characters`)
  .refine(noControl, 'must not contain control characters');

/** ≤ 190 code points; may be empty. */
export const Bio = z
  .string()
  .max(LIMITS.bioMaxChars * 4)
  .transform((s) => s.trim())
  .refine((s) => codePointLength(s) <= LIMITS.bioMaxChars, `must be at most ${LIMITS.bioMaxChars} characters`);

/**
 * An https URL (≤ 2048), stored as given and never fetched by the server. Only `https:` — `javascript:`,
 * `data:`, `http:` and the rest are refused, so a client can put it in an `<img src>` as it is.
 */
export const AvatarUrl = z
  .string()
  .max(LIMITS.avatarUrlMaxChars)
  .refine((s) => {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      return false;
    }
    return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
  }, 'must be an https URL without credentials');

/** A user as everyone may see them (SPEC 10): no secrets. */
export const UserProfile = z.object({
  id: ObjectIdString,
  username: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  bio: z.string(),
  createdAt: IsoDateTime,
});
export type UserProfile = z.infer<typeof UserProfile>;

/** PATCH /api/users/@me: any of the three; `avatarUrl: null` removes the avatar. */
export const UpdateProfileRequest = z
  .strictObject({ displayName: DisplayName.optional(), avatarUrl: AvatarUrl.nullable().optional(), bio: Bio.optional() })
  .refine(
    (b) => b.displayName !== undefined || b.avatarUrl !== undefined || b.bio !== undefined,
    'give at least one of displayName, avatarUrl, bio',
  );
export type UpdateProfileRequest = z.infer<typeof UpdateProfileRequest>;

export const UserIdParams = z.strictObject({ userId: ObjectIdString });

/** GET /api/users?q=<prefix>&limit= — case-insensitive prefix of username or displayName. */
export const UserSearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(LIMITS.displayNameMaxChars),
  limit: queryInt(LIMITS.userSearchMin, LIMITS.userSearchMax, LIMITS.userSearchDefault),
});
export type UserSearchQuery = z.infer<typeof UserSearchQuery>;

export const UserSearchResponse = z.object({ users: z.array(UserProfile) });
export type UserSearchResponse = z.infer<typeof UserSearchResponse>;
