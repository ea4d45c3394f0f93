import { Avatar } from '../../components/Avatar';
import { useMembers } from './api';

/**
 * The server's members in join order. Presence dots (SPEC 11) and "open a DM" (SPEC 10) attach to
 * each row when those APIs exist.
 */
export function MemberList({ serverId, ownerId }: { serverId: string; ownerId: string }) {
  const { data: members } = useMembers(serverId, true);
  return (
    <aside className="members" aria-label="Members">
      <h3 className="muted small">Members — {members?.length ?? '…'}</h3>
      <ul>
        {members?.map((m) => (
          <li key={m.userId} className="member">
            <Avatar name={m.username} size={28} />
            <span>{m.username}</span>
            {m.userId === ownerId && (
              <span className="badge" title="Owner">
                owner
              </span>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
