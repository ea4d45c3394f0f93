import { Router, type Request } from 'express';
import { CredentialsRequest, LoginRequest, LogoutRequest, RefreshRequest, type AuthResponse, type PublicUser } from '@chorus/contracts';
import { AppError, parseOrThrow } from '@chorus/runtime';
import type { UserRepository } from '../users/user.repository.js';
import type { PasswordHasher } from './passwords.js';
import type { TokenIssuer } from './token-issuer.js';
import type { RefreshTokenStore } from './refresh-tokens.js';
import type { LoginLimiter } from './login-limiter.js';
import type { RegistrationLimiter } from './registration-limiter.js';

export interface AuthRouteDeps {
  users: UserRepository;
  passwords: PasswordHasher;
  tokens: TokenIssuer;
  refreshTokens: RefreshTokenStore;
  loginLimiter: LoginLimiter;
  registrationLimiter: RegistrationLimiter;
}

const WRONG_CREDENTIALS = 'Invalid username or password';

/** SPEC 2: register, login, refresh (rotating), logout, and the public key as a JWKS. */
export function authRoutes(deps: AuthRouteDeps): Router {
  const router = Router();

  const session = async (user: PublicUser, refreshToken?: string): Promise<AuthResponse> => {
    const { accessToken, expiresIn } = deps.tokens.issue(user);
    return { user, accessToken, refreshToken: refreshToken ?? (await deps.refreshTokens.start(user.id)), expiresIn };
  };

  const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

  router.post('/api/auth/register', async (req, res) => {
    const body = parseOrThrow(CredentialsRequest, req.body);
    await deps.registrationLimiter.attempt(clientIp(req));
    const user = await deps.users.create(body.username, await deps.passwords.hash(body.password));
    res.status(201).json(await session(user));
  });

  router.post('/api/auth/login', async (req, res) => {
    const body = parseOrThrow(LoginRequest, req.body);
    const ip = clientIp(req);
    await deps.loginLimiter.attempt(body.username, ip);
    const user = await deps.users.findForLogin(body.username);
    const ok = user ? await deps.passwords.verify(user.passwordHash, body.password) : await deps.passwords.burn(body.password);
    if (!user || !ok) throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
    await deps.loginLimiter.succeeded(body.username, ip);
    res.json(await session({ id: user.id, username: user.username }));
  });

  router.post('/api/auth/refresh', async (req, res) => {
    const body = parseOrThrow(RefreshRequest, req.body);
    const { userId, refreshToken } = await deps.refreshTokens.rotate(body.refreshToken);
    const user = await deps.users.findById(userId);
    if (!user) throw new AppError('UNAUTHENTICATED', 'Refresh token is invalid, expired or revoked');
    res.json(await session({ id: user.id, username: user.username }, refreshToken));
  });

  router.post('/api/auth/logout', async (req, res) => {
    const body = parseOrThrow(LogoutRequest, req.body);
    await deps.refreshTokens.revoke(body.refreshToken);
    res.status(204).end();
  });

  router.get('/.well-known/jwks.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(deps.tokens.jwks);
  });

  return router;
}
