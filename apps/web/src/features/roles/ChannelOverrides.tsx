import type { ServerDetail } from '@chorus/contracts';
import { ErrorText } from '../../components/ErrorText';
import { channelOverrides } from '../permissions/channel';
import { useSetOverride } from './api';

/**
 * Server settings → Channels (MANAGE_CHANNELS): "Read-only for @everyone" is an override denying
 * SEND_MESSAGES to the `@everyone` role (id = the server id, SPEC 15); roles that allow it (say
 * "Moderators") still write.
 */
export function ChannelOverrides({ server }: { server: ServerDetail }) {
  const set = useSetOverride(server.id);
  return (
    <section className="settings-section" aria-labelledby="channels-title">
      <h2 id="channels-title">Channels</h2>
      <ErrorText error={set.error} />
      <ul className="plain-list">
        {server.channels.map((c) => (
          <li key={c.id} className="row">
            <span className="grow">#{c.name}</span>
            <label className="switch">
              <input
                type="checkbox"
                role="switch"
                checked={isReadOnly(c, server.id)}
                disabled={set.isPending}
                onChange={(e) =>
                  set.mutate({ channelId: c.id, roleId: server.id, allow: [], deny: e.target.checked ? ['SEND_MESSAGES'] : [] })
                }
              />
              Read-only for @everyone in #{c.name}
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}

const isReadOnly = (channel: object, everyoneId: string) =>
  channelOverrides(channel).some((o) => o.roleId === everyoneId && o.deny.includes('SEND_MESSAGES'));
