import { useQuery } from '@tanstack/react-query';
import type { Channel, ServerDetail } from '@chorus/contracts';
import { ErrorText } from '../../components/ErrorText';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';
import { useIntent } from '../../lib/use-intent';
import { useSetOverride } from './api';

/**
 * Server settings → Channels (MANAGE_CHANNELS): "Read-only for @everyone" is an override denying
 * SEND_MESSAGES to the `@everyone` role (id = the server id, SPEC 15); a role allowed it in the channel
 * (say "Moderators") still writes. The rest of @everyone's override is kept as it is.
 */
export function ChannelOverrides({ server }: { server: ServerDetail }) {
  return (
    <section className="settings-section" aria-labelledby="channels-title">
      <h2 id="channels-title">Channels</h2>
      <ul className="plain-list">
        {server.channels.map((c) => (
          <ReadOnlySwitch key={c.id} serverId={server.id} channel={c} />
        ))}
      </ul>
    </section>
  );
}

function ReadOnlySwitch({ serverId, channel }: { serverId: string; channel: Channel }) {
  const overrides = useQuery({
    queryKey: keys.overrides(serverId, channel.id),
    queryFn: () => chorus.roles.overrides(serverId, channel.id),
  });
  const set = useSetOverride(serverId);
  const [setting, put] = useIntent(set);
  const everyone = overrides.data?.find((o) => o.roleId === serverId);
  // While the PUT is in flight the switch shows where it is going (the answer then replaces it).
  const shown = setting?.deny ?? everyone?.deny ?? [];
  const readOnly = shown.includes('SEND_MESSAGES');
  const toggle = (on: boolean) => {
    const deny = (everyone?.deny ?? []).filter((p) => p !== 'SEND_MESSAGES');
    const allow = (everyone?.allow ?? []).filter((p) => p !== 'SEND_MESSAGES');
    put({ channelId: channel.id, roleId: serverId, allow, deny: on ? [...deny, 'SEND_MESSAGES'] : deny });
  };
  return (
    <li className="row">
      <span className="grow">#{channel.name}</span>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={readOnly}
          disabled={overrides.isPending || setting !== undefined}
          onChange={(e) => toggle(e.target.checked)}
        />
        Read-only for @everyone in #{channel.name}
      </label>
      <ErrorText error={overrides.error ?? set.error} />
    </li>
  );
}
