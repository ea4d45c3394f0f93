import { ErrorText } from '../../components/ErrorText';
import { Spinner } from '../../components/Spinner';
import { inviteLink, useInvites, useRevokeInvite } from './api';

/** Server settings → Invites (MANAGE_SERVER): every live invite with its uses, and "Revoke". */
export function InvitesList({ serverId }: { serverId: string }) {
  const invites = useInvites(serverId, true);
  const revoke = useRevokeInvite(serverId);
  return (
    <section className="settings-section" aria-labelledby="invites-title">
      <h2 id="invites-title">Invites</h2>
      <ErrorText error={invites.error ?? revoke.error} />
      {invites.isPending ? (
        <Spinner label="Loading invites" />
      ) : invites.data?.length === 0 ? (
        <p className="muted">No invites yet: “Create invite” in the side bar makes one.</p>
      ) : (
        <ul className="plain-list" aria-label="Invites">
          {invites.data?.map((i) => (
            <li key={i.code} className="row">
              <code className="grow">{inviteLink(i.code)}</code>
              <span className="muted small">
                {i.uses}
                {i.maxUses ? ` / ${i.maxUses}` : ''} uses
                {i.expiresAt ? ` · until ${new Date(i.expiresAt).toLocaleString()}` : ''}
              </span>
              <button
                type="button"
                aria-label={`Revoke invite ${i.code}`}
                disabled={revoke.isPending}
                onClick={() => revoke.mutate(i.code)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
