import { AuthResponse, RefreshRequest } from '@chorus/contracts';
import type { z } from 'zod';
import { ChorusError } from './errors.js';
import { memorySessionStore, toSession, type Session, type SessionStore } from './session.js';

export interface HttpOptions {
  /** The entry point, e.g. `http://localhost:8080`; '' for same-origin in a browser. */
  baseUrl: string;
  sessionStore?: SessionStore;
  fetch?: typeof fetch;
  /**
   * Runs the refresh exclusively (e.g. `navigator.locks` across browser tabs). Inside it, the store is
   * read again: when another holder already rotated the pair, that pair is used instead of rotating a
   * spent token (which would revoke the whole family, SPEC 2).
   */
  refreshLock?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Called with every new session and with null when it ends (logout, refresh refused). */
  onSessionChange?: (session: Session | null) => void;
  /** Refresh this long before the access token expires (ms); default 30 s. */
  refreshSkewMs?: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Send the access token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

/** REST transport: JSON in and out, bearer tokens, one refresh in flight, one retry after a 401. */
export class Http {
  readonly baseUrl: string;
  private readonly store: SessionStore;
  private readonly fetchImpl: typeof fetch;
  private refreshing?: Promise<Session>;

  constructor(private readonly options: HttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.store = options.sessionStore ?? memorySessionStore();
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
  }

  get session(): Session | null {
    return this.store.load();
  }

  setSession(session: Session | null): void {
    this.store.save(session);
    this.options.onSessionChange?.(session);
  }

  /** A valid access token, refreshed first when it is about to expire; undefined when logged out. */
  async accessToken(): Promise<string | undefined> {
    const session = this.session;
    if (!session) return undefined;
    if (session.expiresAt - (this.options.refreshSkewMs ?? 30_000) > Date.now()) return session.accessToken;
    return (await this.refresh(session.refreshToken)).accessToken;
  }

  /**
   * Rotates the refresh token (SPEC 2). Concurrent callers share one rotation. `spent` is the token
   * the caller saw; if the store already holds a different one, someone else rotated it and that
   * session is returned as it is.
   */
  refresh(spent?: string): Promise<Session> {
    this.refreshing ??= (async () => {
      const run = async () => {
        const current = this.session;
        if (!current) throw new ChorusError('UNAUTHENTICATED', 'Not logged in', 401);
        if (spent !== undefined && current.refreshToken !== spent && current.expiresAt > Date.now()) return current;
        try {
          const body = await this.request('POST', '/api/auth/refresh', AuthResponse, {
            auth: false,
            body: RefreshRequest.parse({ refreshToken: current.refreshToken }),
          });
          const next = toSession(body);
          this.setSession(next);
          return next;
        } catch (err) {
          if (err instanceof ChorusError && err.status === 401) this.setSession(null);
          throw err;
        }
      };
      return this.options.refreshLock ? this.options.refreshLock(run) : run();
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** One REST call; the response is parsed with `schema` (undefined for 204). */
  async request<S extends z.ZodType>(method: string, path: string, schema: S, options?: RequestOptions): Promise<z.output<S>>;
  async request(method: string, path: string, schema: undefined, options?: RequestOptions): Promise<void>;
  async request<S extends z.ZodType>(method: string, path: string, schema: S | undefined, options: RequestOptions = {}) {
    const auth = options.auth ?? true;
    let token = auth ? await this.accessToken() : undefined;
    let res = await this.send(method, path, options, token);
    if (res.status === 401 && auth && token) {
      // The token was refused although it looked valid (clock skew, restarted keys): rotate once.
      token = (await this.refresh(this.session?.refreshToken)).accessToken;
      res = await this.send(method, path, options, token);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ChorusError(res.status >= 502 ? 'UNAVAILABLE' : 'INTERNAL', `Unexpected response (HTTP ${res.status})`, res.status);
    }
    if (!res.ok) throw ChorusError.fromResponse(res.status, body);
    if (!schema) return undefined;
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ChorusError('INTERNAL', `Response of ${method} ${path} does not match the contract`, res.status);
    return parsed.data;
  }

  private async send(method: string, path: string, options: RequestOptions, token: string | undefined): Promise<Response> {
    const url = new URL(
      `${this.baseUrl}${path}`,
      this.baseUrl ? undefined : (globalThis as { location?: { href: string } }).location?.href,
    );
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await this.fetchImpl(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ChorusError('UNAVAILABLE', 'Chorus cannot be reached, check your connection', 0);
    }
  }
}
