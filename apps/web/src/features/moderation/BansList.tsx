import { ErrorText } from '../../components/ErrorText';
import { Spinner } from '../../components/Spinner';
import { useBans, useUnban } from './api';

/** Server settings → Bans: who is banned, and "Unban <name>" (SPEC 15, BAN_MEMBERS). */
export function BansList({ serverId }: { serverId: string }) {
  const bans = useBans(serverId, true);
  const unban = useUnban(serverId);
  return (
    <section className="settings-section" aria-labelledby="bans-title">
      <h2 id="bans-title">Bans</h2>
      <ErrorText error={bans.error ?? unban.error} />
      {bans.isPending ? (
        <Spinner label="Loading bans" />
      ) : bans.data?.length === 0 ? (
        <p className="muted">Nobody is banned.</p>
      ) : (
        <ul className="plain-list" aria-label="Banned users">
          {bans.data?.map((b) => {
            const name = b.username;
            return (
              <li key={b.userId} className="row">
                <span className="grow">
                  <strong>{name}</strong>
                  {b.reason && <span className="muted small"> — {b.reason}</span>}
                </span>
                <button type="button" aria-label={`Unban ${name}`} disabled={unban.isPending} onClick={() => unban.mutate(b.userId)}>
                  Unban
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
