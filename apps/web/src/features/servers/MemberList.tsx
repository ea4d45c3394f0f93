import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { Avatar } from '../../components/Avatar';
import { useSession } from '../auth/session';
import { useOpenDm } from '../dms/api';
import { PresenceDot } from '../presence/PresenceDot';
import { setPresence, useServerPresence } from '../presence/usePresence';
import { MemberActions } from '../moderation/MemberActions';
import { usePermissions } from '../permissions/access';
import { useMembers } from './api';

/** The server's members in join order, each with a presence dot, a button to open a DM (SPEC 10, 11)
 * and, for those allowed, kick and ban (SPEC 15). */
export function MemberList({ serverId, ownerId }: { serverId: string; ownerId: string }) {
  const { data: members } = useMembers(serverId, true);
  const { user } = useSession();
  const qc = useQueryClient();
  const openDm = useOpenDm();
  const navigate = useNavigate();
  const perms = usePermissions(serverId);
  useEffect(() => {
    for (const m of members ?? []) setPresence(qc, m.userId, m.status);
  }, [members, qc]);
  useServerPresence(serverId, members?.map((m) => m.userId) ?? []);

  return (
    <aside className="members" aria-label="Members">
      <h3 className="muted small">Members — {members?.length ?? '…'}</h3>
      <ul>
        {members?.map((m) => (
          <li key={m.userId} className="member">
            <span className="avatar-with-dot">
              <Avatar name={m.username} size={28} />
              <PresenceDot userId={m.userId} />
            </span>
            <span title={m.username}>{m.username}</span>
            {m.userId === ownerId && (
              <span className="badge" title="Owner">
                owner
              </span>
            )}
            {m.userId !== user?.id && (
              <button
                type="button"
                className="link small"
                aria-label={`Message ${m.username}`}
                onClick={() => openDm.mutate(m.userId, { onSuccess: (dm) => void navigate(`/dms/${dm.id}`) })}
              >
                DM
              </button>
            )}
            {m.userId !== user?.id && m.userId !== ownerId && <MemberActions serverId={serverId} member={m} perms={perms} />}
          </li>
        ))}
      </ul>
    </aside>
  );
}
