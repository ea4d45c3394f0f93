import { useState, type FormEvent } from 'react';
import type { Invite } from '@chorus/contracts';
import { Dialog } from '../../components/Dialog';
import { ErrorText } from '../../components/ErrorText';
import { EXPIRY, MAX_USES, inviteLink, useCreateInvite } from './api';

/** Create an invite (max uses, expiry; SPEC 14) and copy its link. */
export function CreateInviteDialog({ serverId, open, onClose }: { serverId: string; open: boolean; onClose(): void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Invite people">
      <InviteForm serverId={serverId} onClose={onClose} />
    </Dialog>
  );
}

function InviteForm({ serverId, onClose }: { serverId: string; onClose(): void }) {
  const create = useCreateInvite(serverId);
  const [maxUses, setMaxUses] = useState(0);
  const [expires, setExpires] = useState<number>(604_800);
  const [invite, setInvite] = useState<Invite | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ expiresInSeconds: expires, ...(maxUses ? { maxUses } : {}) }, { onSuccess: setInvite });
  };

  return (
    <form onSubmit={submit}>
      <div className="row">
        <label className="grow">
          Max uses
          <select value={maxUses} onChange={(e) => setMaxUses(Number(e.target.value))}>
            {MAX_USES.map((n) => (
              <option key={n} value={n}>
                {n === 0 ? 'No limit' : `${n} ${n === 1 ? 'use' : 'uses'}`}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          Expire after
          <select value={expires} onChange={(e) => setExpires(Number(e.target.value))}>
            {EXPIRY.map((x) => (
              <option key={x.seconds} value={x.seconds}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorText error={create.error} />
      {invite && <InviteLink invite={invite} />}
      <div className="row end">
        <button type="button" onClick={onClose}>
          Done
        </button>
        <button type="submit" className="primary" disabled={create.isPending}>
          Generate link
        </button>
      </div>
    </form>
  );
}

function InviteLink({ invite }: { invite: Invite }) {
  const link = inviteLink(invite.code);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(link);
    setCopied(true);
  };
  const limits = [
    invite.maxUses ? `${invite.maxUses} ${invite.maxUses === 1 ? 'use' : 'uses'}` : 'no use limit',
    invite.expiresAt ? `expires ${new Date(invite.expiresAt).toLocaleString()}` : 'never expires',
  ];
  return (
    <div className="invite-link">
      <label>
        Invite link
        <input readOnly value={link} onFocus={(e) => e.target.select()} />
      </label>
      <div className="row">
        <span className="muted small grow">{limits.join(' · ')}</span>
        <button type="button" onClick={() => void copy().catch(() => setCopied(false))}>
          {copied ? 'Copied' : 'Copy link'}
        </button>
      </div>
    </div>
  );
}
