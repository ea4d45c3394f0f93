import type { AuthResponse } from '@chorus/contracts';

/** What the client keeps between calls: the token pair and when the access token expires (epoch ms). */
export interface Session extends AuthResponse {
  expiresAt: number;
}

/**
 * Where a session lives between page loads or processes. The web client keeps it in localStorage;
 * Node callers usually keep it in memory (the default).
 */
export interface SessionStore {
  load(): Session | null;
  save(session: Session | null): void;
}

export function memorySessionStore(initial: Session | null = null): SessionStore {
  let current = initial;
  return {
    load: () => current,
    save: (s) => {
      current = s;
    },
  };
}

export const toSession = (auth: AuthResponse, now = Date.now()): Session => ({ ...auth, expiresAt: now + auth.expiresIn * 1000 });
