import { useState } from 'react';
import { Link } from 'react-router';
import { CreateInviteDialog } from '../invites/CreateInviteDialog';
import { usePermissions } from '../permissions/access';

const SETTINGS_PERMISSIONS = ['MANAGE_ROLES', 'MANAGE_CHANNELS', 'BAN_MEMBERS', 'MANAGE_SERVER'] as const;

/** A member's side-bar actions, each shown only when members/@me allows it: "Create invite", "Server settings". */
export function ServerActions({ serverId }: { serverId: string }) {
  const perms = usePermissions(serverId);
  const [inviting, setInviting] = useState(false);
  const canInvite = perms.can('CREATE_INVITES');
  const canSettings = SETTINGS_PERMISSIONS.some(perms.can);
  if (!canInvite && !canSettings) return null;
  return (
    <div className="sidebar-actions">
      {canInvite && (
        <button type="button" onClick={() => setInviting(true)}>
          Create invite
        </button>
      )}
      {canSettings && (
        <Link className="button-link" to={`/servers/${serverId}/settings`}>
          Server settings
        </Link>
      )}
      <CreateInviteDialog serverId={serverId} open={inviting} onClose={() => setInviting(false)} />
    </div>
  );
}
