import { Link, useOutletContext } from 'react-router';
import type { ServerDetail } from '@chorus/contracts';
import { BansList } from '../moderation/BansList';
import { usePermissions } from '../permissions/access';
import { ChannelOverrides } from '../roles/ChannelOverrides';
import { RoleAssignments } from '../roles/RoleAssignments';
import { RoleEditor } from '../roles/RoleEditor';
import { InvitesList } from '../invites/InvitesList';

/** `/servers/:id/settings`: only the sections the caller's permissions allow (members/@me, SPEC 15). */
export default function ServerSettings() {
  const server = useOutletContext<ServerDetail>();
  const perms = usePermissions(server.id);
  const first = server.channels[0];
  return (
    <main className="page settings" aria-labelledby="settings-title">
      <header className="page-header">
        <h1 id="settings-title">Server settings</h1>
        {first && <Link to={`/servers/${server.id}/channels/${first.id}`}>Back to #{first.name}</Link>}
      </header>
      {perms.can('MANAGE_ROLES') && <RoleEditor serverId={server.id} perms={perms} />}
      {perms.can('MANAGE_ROLES') && <RoleAssignments serverId={server.id} />}
      {perms.can('MANAGE_CHANNELS') && <ChannelOverrides server={server} />}
      {perms.can('MANAGE_SERVER') && <InvitesList serverId={server.id} />}
      {perms.can('BAN_MEMBERS') && <BansList serverId={server.id} />}
    </main>
  );
}
