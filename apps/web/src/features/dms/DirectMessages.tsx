import { NavLink } from 'react-router';
import { Avatar } from '../../components/Avatar';
import { useSession } from '../auth/session';
import { PresenceDot } from '../presence/PresenceDot';
import { otherOf, useDms } from './api';
import { PeoplePicker } from './PeoplePicker';

/** The side bar's direct messages (SPEC 10): a navigation landmark listing the caller's DMs, most recent first, and the people picker. */
export function DirectMessages() {
  const { data: dms } = useDms();
  const { user } = useSession();
  return (
    <nav className="dms" aria-label="Direct messages">
      <h3 className="muted small">Direct messages</h3>
      <PeoplePicker />
      <ul>
        {dms?.map((dm) => {
          const other = otherOf(dm, user?.id ?? '');
          return (
            <li key={dm.id}>
              <NavLink to={`/dms/${dm.id}`} className="dm-link">
                <span className="avatar-with-dot">
                  <Avatar name={other.displayName} size={24} />
                  <PresenceDot userId={other.id} />
                </span>
                <span>{other.displayName}</span>
              </NavLink>
            </li>
          );
        })}
      </ul>
      {dms?.length === 0 && <p className="muted small">No conversations yet.</p>}
    </nav>
  );
}
