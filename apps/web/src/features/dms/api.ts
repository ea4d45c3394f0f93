import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DmChannel, UpdateProfileRequest } from '@chorus/contracts';
import type { z } from 'zod';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';

/** The caller's DMs, most recent message first (the server orders them). */
export const useDms = () => useQuery({ queryKey: keys.dms, queryFn: () => chorus.dms.list() });

export const usePeopleSearch = (q: string) =>
  useQuery({ queryKey: keys.people(q), queryFn: () => chorus.users.search(q), enabled: q.trim().length > 0, placeholderData: (p) => p });

export function useOpenDm() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => chorus.dms.open(userId),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.dms }),
  });
}

export const useMe = () => useQuery({ queryKey: keys.me, queryFn: () => chorus.users.me() });

export function useUpdateProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof UpdateProfileRequest>) => chorus.users.update(body),
    onSuccess: (profile) => {
      qc.setQueryData(keys.me, profile);
      void qc.invalidateQueries({ queryKey: keys.dms });
    },
  });
}

/** The other person of a DM. */
export const otherOf = (dm: DmChannel, myId: string) => dm.recipients.find((r) => r.id !== myId) ?? dm.recipients[0];
