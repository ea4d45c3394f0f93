import { useQuery } from '@tanstack/react-query';
import type { VisibleStatus } from '@chorus/contracts';
import { keys } from '../../lib/query-client';

const LABEL: Record<VisibleStatus, string> = { online: 'Online', idle: 'Idle', dnd: 'Do not disturb', offline: 'Offline' };

/** A user's presence (SPEC 11) as a coloured dot; its accessible name is the status. */
export function PresenceDot({ userId }: { userId: string }) {
  // Written only by member lists, subscriptions and `presence:updated` (never fetched on its own).
  const { data } = useQuery<VisibleStatus>({
    queryKey: keys.presence(userId),
    queryFn: () => 'offline',
    staleTime: Infinity,
    enabled: false,
  });
  const status = data ?? 'offline';
  return <span className={`presence presence-${status}`} role="img" aria-label={LABEL[status]} title={LABEL[status]} />;
}
