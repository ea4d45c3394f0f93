import { useState, type FormEvent } from 'react';
import { NavLink } from 'react-router';
import type { ServerDetail } from '@chorus/contracts';
import { ErrorText } from '../../components/ErrorText';
import { useReadStates } from '../read-state/api';
import { UnreadBadge } from '../read-state/UnreadBadge';
import { useCreateChannel } from './api';

/** A navigation landmark "Channels", one link per channel named `#<name>` with its unread badge; the owner can add one. */
export function ChannelList({ server, canManage }: { server: ServerDetail; canManage: boolean }) {
  const { data: states } = useReadStates(server.id);
  const stateOf = (channelId: string) => states?.find((s) => s.channelId === channelId);
  return (
    <nav className="channels" aria-label="Channels">
      <ul>
        {server.channels.map((c) => {
          const state = stateOf(c.id);
          const badge = `unread-${c.id}`;
          const unread = (state?.unreadCount ?? 0) > 0;
          return (
            <li key={c.id}>
              <NavLink
                to={`/servers/${server.id}/channels/${c.id}`}
                className={`channel-link${unread ? ' unread' : ''}`}
                title={c.topic || undefined}
                aria-label={`#${c.name}`}
                aria-describedby={unread ? badge : undefined}
              >
                #{c.name}
                <UnreadBadge id={badge} unread={state?.unreadCount ?? 0} mentions={state?.mentionCount ?? 0} />
              </NavLink>
            </li>
          );
        })}
      </ul>
      {canManage && <CreateChannelForm serverId={server.id} />}
    </nav>
  );
}

function CreateChannelForm({ serverId }: { serverId: string }) {
  const [name, setName] = useState('');
  const create = useCreateChannel(serverId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim() }, { onSuccess: () => setName('') });
  };
  return (
    <form className="create-channel" onSubmit={submit}>
      <input
        aria-label="Channel name"
        placeholder="new-channel"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
        maxLength={100}
      />
      <button type="submit" disabled={create.isPending}>
        Create channel
      </button>
      <ErrorText error={create.error} />
    </form>
  );
}
