import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { useSession } from '../auth/session';
import { useOpenDm, usePeopleSearch } from './api';

/** The people picker (SPEC 10): search by name prefix, then open (or find) the DM with that person. */
export function PeoplePicker() {
  const [q, setQ] = useState('');
  const { user } = useSession();
  const { data: people } = usePeopleSearch(q.trim());
  const openDm = useOpenDm();
  const navigate = useNavigate();
  return (
    <div className="people-picker">
      <label className="small">
        Find people
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name…" maxLength={32} />
      </label>
      {q.trim() && (
        <ul aria-label="People">
          {people
            ?.filter((p) => p.id !== user?.id)
            .map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="person"
                  aria-label={`Message ${p.displayName}`}
                  onClick={() => openDm.mutate(p.id, { onSuccess: (dm) => void navigate(`/dms/${dm.id}`) })}
                >
                  <Avatar name={p.displayName} size={24} />
                  <span>{p.displayName}</span> <span className="muted small">@{p.username}</span>
                </button>
              </li>
            ))}
          {people?.length === 0 && <li className="muted small">Nobody by that name.</li>}
        </ul>
      )}
      <ErrorText error={openDm.error} />
    </div>
  );
}
