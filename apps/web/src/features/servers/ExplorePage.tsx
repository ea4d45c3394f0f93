import { useDeferredValue, useState } from 'react';
import { Link } from 'react-router';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Spinner } from '../../components/Spinner';
import { DirectMessages } from '../dms/DirectMessages';
import { useCategories, useExplore } from './api';

/** Explore by category and search by name (SPEC 3), newest first. */
export default function ExplorePage() {
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  const deferredQ = useDeferredValue(q.trim());
  const { data: categories } = useCategories();
  const explore = useExplore({ ...(deferredQ ? { q: deferredQ } : {}), ...(category ? { category } : {}) });

  return (
    <div className="server">
      <aside className="sidebar" aria-label="Home">
        <header className="sidebar-header">
          <h2>Home</h2>
        </header>
        <DirectMessages />
      </aside>
      <main className="page explore" aria-labelledby="explore-title">
        <header className="page-header">
          <h1 id="explore-title">Explore servers</h1>
          <input type="search" aria-label="Search servers" placeholder="Search servers" value={q} onChange={(e) => setQ(e.target.value)} />
        </header>
        <div className="chips" role="group" aria-label="Categories">
          <button type="button" aria-pressed={!category} onClick={() => setCategory(undefined)}>
            All
          </button>
          {categories?.map((c) => (
            <button key={c.id} type="button" title={c.description} aria-pressed={category === c.name} onClick={() => setCategory(c.name)}>
              {c.name}
            </button>
          ))}
        </div>
        <ErrorText error={explore.error} />
        {explore.isPending ? (
          <Spinner />
        ) : explore.data?.length === 0 ? (
          <p className="muted">No servers match. Create one with the + in the side bar.</p>
        ) : (
          <ul className="server-grid" aria-label="Explore results">
            {explore.data?.map((s) => (
              <li key={s.id}>
                <Link to={`/servers/${s.id}`} className="card server-card">
                  <Avatar name={s.name} size={48} />
                  <span className="server-card-body">
                    <strong>{s.name}</strong>
                    <span className="muted small">
                      {s.category ?? 'No category'} · {s.memberCount} {s.memberCount === 1 ? 'member' : 'members'}
                    </span>
                    {s.description && <span className="small clamp">{s.description}</span>}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </main>
    </div>
  );
}
