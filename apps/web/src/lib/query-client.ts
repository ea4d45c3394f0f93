import { QueryClient } from '@tanstack/react-query';
import { isChorusError } from '@chorus/client';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // 4xx answers are final (not a member, not found); retry only outages.
      retry: (count, err) => count < 2 && !(isChorusError(err) && err.status >= 400 && err.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

/** Every query key in one place, so socket events and mutations update the same entries. */
export const keys = {
  me: ['me'] as const,
  categories: ['categories'] as const,
  myServers: ['servers', 'mine'] as const,
  explore: (params: { q?: string; category?: string }) => ['servers', 'explore', params] as const,
  server: (serverId: string) => ['server', serverId] as const,
  isMember: (serverId: string) => ['server', serverId, 'isMember'] as const,
  members: (serverId: string) => ['server', serverId, 'members'] as const,
  /** SPEC 15: the caller's `{isMember, permissions, roleIds}` in a server (members/@me). */
  access: (serverId: string) => ['server', serverId, 'access'] as const,
  /** The same, in one channel (after its overrides): `?channelId=`. */
  channelAccess: (serverId: string, channelId: string) => ['server', serverId, 'access', channelId] as const,
  overrides: (serverId: string, channelId: string) => ['server', serverId, 'overrides', channelId] as const,
  roles: (serverId: string) => ['server', serverId, 'roles'] as const,
  bans: (serverId: string) => ['server', serverId, 'bans'] as const,
  invites: (serverId: string) => ['server', serverId, 'invites'] as const,
  invite: (code: string) => ['invite', code] as const,
  messages: (channelId: string) => ['messages', channelId] as const,
  dms: ['dms'] as const,
  people: (q: string) => ['people', q] as const,
  /** A user's status as others see it (SPEC 11), fed by member lists and `presence:updated`. */
  presence: (userId: string) => ['presence', userId] as const,
  readStates: (serverId: string) => ['read-states', serverId] as const,
  allReadStates: ['read-states'] as const,
};
