import type { CredentialsRequest, LoginRequest } from '@chorus/contracts';
import {
  AuthResponse,
  CategoriesResponse,
  Channel,
  ExploreServersResponse,
  HistoryPage,
  Invite,
  InvitePreview,
  IsMemberResponse,
  ListInvitesResponse,
  JoinResponse,
  ListMembersResponse,
  MeResponse,
  Message,
  ReadStatesResponse,
  RedeemInviteResponse,
  ServerDetail,
  DmChannel,
  DmListResponse,
  UserProfile,
  UserSearchResponse,
  type CreateChannelRequest,
  type CreateInviteRequest,
  type UpdateProfileRequest,
  type CreateServerRequest,
  type EditMessageRequest,
  type ExploreServersQuery,
  type HistoryQuery,
  type ListMembersQuery,
  type UpdateChannelRequest,
  type UpdateServerRequest,
} from '@chorus/contracts';
import type { z } from 'zod';
import { moderationApi, rolesApi } from './community.js';
import { Http, type HttpOptions } from './http.js';
import { toSession, type Session } from './session.js';
import { ChorusSocket, type SocketOptions } from './socket.js';

/** Query strings are strings on the wire; callers give numbers. */
type WithLimit<Q> = Omit<Q, 'limit'> & { limit?: number };
export type ExploreParams = WithLimit<z.input<typeof ExploreServersQuery>>;
export type MembersParams = WithLimit<z.input<typeof ListMembersQuery>>;
export type HistoryParams = WithLimit<Omit<z.input<typeof HistoryQuery>, never>>;

const enc = encodeURIComponent;

/**
 * The whole Chorus API of SPEC 2–5, typed by `@chorus/contracts`. Every call resolves with the parsed
 * response or rejects with a `ChorusError` (the SPEC's error code and HTTP status). The session
 * (token pair) is kept in the given store and refreshed with rotation before it expires.
 */
export class ChorusClient {
  readonly http: Http;

  constructor(options: HttpOptions) {
    this.http = new Http(options);
  }

  get session(): Session | null {
    return this.http.session;
  }

  /** SPEC 2: accounts and tokens. */
  readonly auth = {
    register: async (body: z.input<typeof CredentialsRequest>): Promise<Session> => this.start('/api/auth/register', body),
    login: async (body: z.input<typeof LoginRequest>): Promise<Session> => this.start('/api/auth/login', body),
    /** Rotates the refresh token now (it also happens by itself before the access token expires). */
    refresh: (): Promise<Session> => this.http.refresh(),
    /** Revokes the refresh token and forgets the session, even when the server cannot be reached. */
    logout: async (): Promise<void> => {
      const session = this.http.session;
      this.http.setSession(null);
      if (session)
        await this.http
          .request('POST', '/api/auth/logout', undefined, { auth: false, body: { refreshToken: session.refreshToken } })
          .catch(() => undefined);
    },
  };

  readonly users = {
    me: () => this.http.request('GET', '/api/users/@me', MeResponse),
    /** SPEC 10: edit the caller's profile (displayName, https avatarUrl or null, bio). */
    update: (body: z.input<typeof UpdateProfileRequest>) => this.http.request('PATCH', '/api/users/@me', UserProfile, { body }),
    get: (userId: string) => this.http.request('GET', `/api/users/${enc(userId)}`, UserProfile),
    /** The people picker: case-insensitive prefix of username or display name. */
    search: (q: string, limit = 20) =>
      this.http.request('GET', '/api/users', UserSearchResponse, { query: { q, limit: String(limit) } }).then((r) => r.users),
  };

  /** SPEC 3. */
  /** SPEC 10 direct messages: one channel per pair; its id works with messages, join and send. */
  readonly dms = {
    open: (userId: string) => this.http.request('POST', '/api/dms', DmChannel, { body: { userId } }),
    list: () => this.http.request('GET', '/api/dms', DmListResponse).then((r) => r.dms),
  };

  readonly categories = {
    list: () => this.http.request('GET', '/api/categories', CategoriesResponse, { auth: false }),
  };

  readonly servers = {
    /** Explore by category, search by name, or the caller's own (`member: '@me'`); public otherwise. */
    list: (params: ExploreParams = {}) =>
      this.http
        .request('GET', '/api/servers', ExploreServersResponse, { query: params, auth: this.authIfLoggedIn() })
        .then((r) => r.servers),
    get: (serverId: string) => this.http.request('GET', `/api/servers/${enc(serverId)}`, ServerDetail, { auth: this.authIfLoggedIn() }),
    create: (body: z.input<typeof CreateServerRequest>) => this.http.request('POST', '/api/servers', ServerDetail, { body }),
    update: (serverId: string, body: z.input<typeof UpdateServerRequest>) =>
      this.http.request('PATCH', `/api/servers/${enc(serverId)}`, ServerDetail, { body }),
    remove: (serverId: string) => this.http.request('DELETE', `/api/servers/${enc(serverId)}`, undefined),
  };

  readonly channels = {
    create: (serverId: string, body: z.input<typeof CreateChannelRequest>) =>
      this.http.request('POST', `/api/servers/${enc(serverId)}/channels`, Channel, { body }),
    update: (serverId: string, channelId: string, body: z.input<typeof UpdateChannelRequest>) =>
      this.http.request('PATCH', `/api/servers/${enc(serverId)}/channels/${enc(channelId)}`, Channel, { body }),
    remove: (serverId: string, channelId: string) =>
      this.http.request('DELETE', `/api/servers/${enc(serverId)}/channels/${enc(channelId)}`, undefined),
  };

  readonly members = {
    join: (serverId: string) => this.http.request('PUT', `/api/servers/${enc(serverId)}/members/@me`, JoinResponse),
    leave: (serverId: string) => this.http.request('DELETE', `/api/servers/${enc(serverId)}/members/@me`, undefined),
    isMember: (serverId: string) =>
      this.http.request('GET', `/api/servers/${enc(serverId)}/members/@me`, IsMemberResponse).then((r) => r.isMember),
    list: (serverId: string, params: MembersParams = {}) =>
      this.http.request('GET', `/api/servers/${enc(serverId)}/members`, ListMembersResponse, { query: params }).then((r) => r.members),
  };

  /**
   * SPEC 14 invites. `preview` is public (no session needed); `redeem` joins the invite's server
   * (public or private) and rejects with ALREADY_MEMBER when the caller already is one.
   */
  readonly invites = {
    create: (serverId: string, body: z.input<typeof CreateInviteRequest> = {}) =>
      this.http.request('POST', `/api/servers/${enc(serverId)}/invites`, Invite, { body }),
    list: (serverId: string) =>
      this.http.request('GET', `/api/servers/${enc(serverId)}/invites`, ListInvitesResponse).then((r) => r.invites),
    preview: (code: string) => this.http.request('GET', `/api/invites/${enc(code)}`, InvitePreview, { auth: false }),
    redeem: (code: string) => this.http.request('POST', `/api/invites/${enc(code)}`, RedeemInviteResponse),
    revoke: (code: string) => this.http.request('DELETE', `/api/invites/${enc(code)}`, undefined),
  };

  /** SPEC 15 (community.ts): roles and overrides; the caller's permissions, kick and ban. */
  readonly roles = rolesApi(this);
  readonly moderation = moderationApi(this);

  /** SPEC 4: history, newest first. */
  readonly messages = {
    page: (channelId: string, params: HistoryParams = {}, signal?: AbortSignal) =>
      this.http.request('GET', `/api/channels/${enc(channelId)}/messages`, HistoryPage, { query: params, signal }),
    edit: (channelId: string, messageId: string, body: z.input<typeof EditMessageRequest>) =>
      this.http.request('PATCH', `/api/channels/${enc(channelId)}/messages/${enc(messageId)}`, Message, { body }),
    remove: (channelId: string, messageId: string) =>
      this.http.request('DELETE', `/api/channels/${enc(channelId)}/messages/${enc(messageId)}`, undefined),
    /**
     * Every message newer than `afterId`, oldest first, paging with `after=` until `hasMore` is false:
     * what a client that was disconnected fetches to catch up (SPEC 5).
     */
    since: async (channelId: string, afterId: string, pageSize = 100): Promise<Message[]> => {
      const out: Message[] = [];
      let cursor = afterId;
      for (;;) {
        const page = await this.messages.page(channelId, { after: cursor, limit: pageSize });
        const oldestFirst = [...page.messages].reverse();
        out.push(...oldestFirst);
        if (!page.hasMore || oldestFirst.length === 0) return out;
        cursor = oldestFirst[oldestFirst.length - 1]!.id;
      }
    },
  };

  /** SPEC 12: one's own reaction on a message (both idempotent); `emoji` is one emoji, URL-encoded here. */
  readonly reactions = {
    add: (channelId: string, messageId: string, emoji: string) =>
      this.http.request('PUT', `/api/channels/${enc(channelId)}/messages/${enc(messageId)}/reactions/${enc(emoji)}/@me`, undefined),
    remove: (channelId: string, messageId: string, emoji: string) =>
      this.http.request('DELETE', `/api/channels/${enc(channelId)}/messages/${enc(messageId)}/reactions/${enc(emoji)}/@me`, undefined),
  };

  /** SPEC 13: read positions (never backwards) and unread/mention counts of a server's channels or of one's DMs. */
  readonly readStates = {
    markRead: (channelId: string, messageId: string) =>
      this.http.request('PUT', `/api/channels/${enc(channelId)}/read`, undefined, { body: { messageId } }),
    list: (scope: { serverId: string } | { dms: true }) =>
      this.http
        .request('GET', '/api/users/@me/read-states', ReadStatesResponse, {
          query: 'serverId' in scope ? { serverId: scope.serverId } : { dms: 'true' },
        })
        .then((r) => r.readStates),
  };

  /** SPEC 5: a Socket.IO connection (through the entry point unless `url` says otherwise). */
  connect(options: SocketOptions = {}): ChorusSocket {
    return new ChorusSocket(this, options);
  }

  private authIfLoggedIn(): boolean {
    return this.http.session !== null;
  }

  private async start(path: string, body: unknown): Promise<Session> {
    const auth = await this.http.request('POST', path, AuthResponse, { auth: false, body });
    const session = toSession(auth);
    this.http.setSession(session);
    return session;
  }
}
