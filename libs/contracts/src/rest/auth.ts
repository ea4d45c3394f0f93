import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { IsoDateTime, ObjectIdString } from '../ids.js';

export const Username = z
  .string()
  .min(LIMITS.usernameMinChars)
  .max(LIMITS.usernameMaxChars)
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"');

export const Password = z.string().min(LIMITS.passwordMinChars).max(LIMITS.passwordMaxChars);

/** POST /api/auth/register and POST /api/auth/login. */
export const CredentialsRequest = z.strictObject({ username: Username, password: Password });
export type CredentialsRequest = z.infer<typeof CredentialsRequest>;

/** Login accepts any string shape within limits, so a wrong-format name is just a wrong credential. */
export const LoginRequest = z.strictObject({
  username: z.string().min(1).max(LIMITS.usernameMaxChars),
  password: z.string().min(1).max(LIMITS.passwordMaxChars),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const RefreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export type RefreshRequest = z.infer<typeof RefreshRequest>;
export const LogoutRequest = RefreshRequest;
export type LogoutRequest = RefreshRequest;

export const PublicUser = z.object({ id: ObjectIdString, username: z.string() });
export type PublicUser = z.infer<typeof PublicUser>;

/** 201 from register, 200 from login and refresh. `expiresIn` is the access token lifetime in seconds. */
export const AuthResponse = z.object({
  user: PublicUser,
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().positive(),
});
export type AuthResponse = z.infer<typeof AuthResponse>;

/** GET /api/users/@me: the caller's profile (SPEC 2 fields plus SPEC 10's displayName, avatarUrl, bio). */
export const MeResponse = z.object({
  id: ObjectIdString,
  username: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  bio: z.string(),
  createdAt: IsoDateTime,
});
export type MeResponse = z.infer<typeof MeResponse>;

/** GET /.well-known/jwks.json */
export const JwksResponse = z.object({
  keys: z.array(z.object({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional(), use: z.string().optional() }).loose()),
});
export type JwksResponse = z.infer<typeof JwksResponse>;
