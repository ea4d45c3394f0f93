import { useState, type FormEvent } from 'react';
import { NavLink } from 'react-router';
import type { ServerDetail } from '@chorus/contracts';
import { ErrorText } from '../../components/ErrorText';
import { useCreateChannel } from './api';

/** A navigation landmark "Channels", one link per channel named `#<name>`; the owner can add one. */
export function ChannelList({ server, canManage }: { server: ServerDetail; canManage: boolean }) {
  return (
    <nav className="channels" aria-label="Channels">
      <ul>
        {server.channels.map((c) => (
          <li key={c.id}>
            <NavLink to={`/servers/${server.id}/channels/${c.id}`} className="channel-link" title={c.topic || undefined}>
              #{c.name}
            </NavLink>
          </li>
        ))}
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
