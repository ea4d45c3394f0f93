import { NavLink } from 'react-router';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { useServersUnread } from '../read-state/api';
import { UnreadBadge } from '../read-state/UnreadBadge';
import { useMyServers } from './api';

/** The side bar's server list: a navigation landmark "Servers", one link per server named after it, with its unread marker. */
export function ServerRail({ onCreate }: { onCreate(): void }) {
  const { data: servers, isPending } = useMyServers();
  const unread = useServersUnread(servers?.map((s) => s.id) ?? []);
  return (
    <nav className="rail" aria-label="Servers">
      <NavLink to="/explore" className="rail-item rail-explore" title="Explore servers" aria-label="Explore">
        <Icon name="compass" size={26} />
      </NavLink>
      <hr />
      {isPending && <Spinner label="Loading your servers" />}
      <ul>
        {servers?.map((s) => {
          const u = unread.get(s.id);
          const badge = `server-unread-${s.id}`;
          return (
            <li key={s.id}>
              <NavLink
                to={`/servers/${s.id}`}
                className="rail-item"
                title={s.name}
                aria-label={s.name}
                aria-describedby={u?.unread || u?.mentions ? badge : undefined}
              >
                <Avatar name={s.name} size={44} />
                <UnreadBadge id={badge} unread={u?.unread ?? false} mentions={u?.mentions ?? 0} />
              </NavLink>
            </li>
          );
        })}
      </ul>
      <button type="button" className="rail-item rail-add" title="New server" aria-label="New server" onClick={onCreate}>
        <Icon name="plus" size={26} />
      </button>
    </nav>
  );
}
