import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';

/** The link people open: `<origin>/invite/<code>` (the web client's route, InvitePage). */
export const inviteLink = (code: string) => `${window.location.origin}/invite/${encodeURIComponent(code)}`;

export const MAX_USES = [0, 1, 5, 10, 25, 50, 100] as const;
export const EXPIRY = [
  { label: '30 minutes', seconds: 1_800 },
  { label: '1 hour', seconds: 3_600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 604_800 },
  { label: '30 days', seconds: 2_592_000 },
] as const;

export function useCreateInvite(serverId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { maxUses?: number; expiresInSeconds?: number }) => chorus.invites.create(serverId, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.invites(serverId) }),
  });
}

/** The public preview (SPEC 14); a 404 means unknown, expired, revoked or used up. */
export const useInvitePreview = (code: string) =>
  useQuery({ queryKey: keys.invite(code), queryFn: () => chorus.invites.preview(code), staleTime: 0 });

export function useRedeemInvite(code: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => chorus.invites.redeem(code),
    onSuccess: ({ serverId }) => {
      qc.setQueryData(keys.isMember(serverId), true);
      void qc.invalidateQueries({ queryKey: ['servers'] });
      void qc.invalidateQueries({ queryKey: keys.server(serverId) });
    },
  });
}

export const useInvites = (serverId: string, enabled: boolean) =>
  useQuery({ queryKey: keys.invites(serverId), queryFn: () => chorus.invites.list(serverId), enabled });

export function useRevokeInvite(serverId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => chorus.invites.revoke(code),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.invites(serverId) }),
  });
}
