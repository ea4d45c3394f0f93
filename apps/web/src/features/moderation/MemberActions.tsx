import { useState } from 'react';
import { ConfirmDialog } from '../../components/Dialog';
import { ErrorText } from '../../components/ErrorText';
import { Icon } from '../../components/Icon';
import type { Permissions } from '../permissions/access';
import { useRemoveMember } from './api';

interface Target {
  userId: string;
  username: string;
}

/**
 * "Kick <name>" and "Ban <name>" at the end of a member's row, for callers with KICK_MEMBERS /
 * BAN_MEMBERS, each behind a confirm dialog: icon buttons (the row has no room for words) named for
 * screen readers and titled for pointers. The owner and oneself get none; a target ranked too high is
 * the server's 403, shown in the dialog.
 */
export function MemberActions({ serverId, member, perms }: { serverId: string; member: Target; perms: Permissions }) {
  const [action, setAction] = useState<'kick' | 'ban' | null>(null);
  const [reason, setReason] = useState('');
  const { kick, ban } = useRemoveMember(serverId);
  const busy = kick.isPending || ban.isPending;
  const close = () => {
    setAction(null);
    setReason('');
    kick.reset();
    ban.reset();
  };
  const confirm = () => {
    if (action === 'kick') kick.mutate(member.userId, { onSuccess: close });
    if (action === 'ban') ban.mutate({ userId: member.userId, ...(reason.trim() ? { reason: reason.trim() } : {}) }, { onSuccess: close });
  };
  if (!perms.can('KICK_MEMBERS') && !perms.can('BAN_MEMBERS')) return null;

  return (
    <span className="member-actions">
      {perms.can('KICK_MEMBERS') && (
        <button
          type="button"
          className="icon-button danger"
          aria-label={`Kick ${member.username}`}
          title={`Kick ${member.username}`}
          onClick={() => setAction('kick')}
        >
          <Icon name="kick" size={16} />
        </button>
      )}
      {perms.can('BAN_MEMBERS') && (
        <button
          type="button"
          className="icon-button danger"
          aria-label={`Ban ${member.username}`}
          title={`Ban ${member.username}`}
          onClick={() => setAction('ban')}
        >
          <Icon name="ban" size={16} />
        </button>
      )}
      <ConfirmDialog
        open={action !== null}
        title={action === 'ban' ? `Ban ${member.username}?` : `Kick ${member.username}?`}
        body={
          action === 'ban'
            ? `${member.username} leaves the server and cannot come back, not even with an invite, until unbanned.`
            : `${member.username} leaves the server; they can join again (with an invite, if it is private).`
        }
        confirm={action === 'ban' ? 'Ban' : 'Kick'}
        busy={busy}
        onConfirm={confirm}
        onClose={close}
      >
        {action === 'ban' && (
          <label>
            Reason (optional)
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={512} />
          </label>
        )}
        <ErrorText error={kick.error ?? ban.error} />
      </ConfirmDialog>
    </span>
  );
}
