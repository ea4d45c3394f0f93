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
/** The row's moderation buttons: what each does, the permission it needs, its label (also its icon's name). */
const MODERATION = [
  { action: 'kick', needs: 'KICK_MEMBERS', label: 'Kick' },
  { action: 'ban', needs: 'BAN_MEMBERS', label: 'Ban' },
] as const;

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
      {MODERATION.filter((m) => perms.can(m.needs)).map((m) => (
        <button
          key={m.action}
          type="button"
          className="icon-button danger"
          aria-label={`${m.label} ${member.username}`}
          title={`${m.label} ${member.username}`}
          onClick={() => setAction(m.action)}
        >
          <Icon name={m.action} size={16} />
        </button>
      ))}
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
