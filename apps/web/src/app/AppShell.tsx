import { Suspense, useState } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { Avatar } from '../components/Avatar';
import { Spinner } from '../components/Spinner';
import { useSession } from '../features/auth/session';
import { ConnectionBanner, RealtimeProvider } from '../features/realtime/socket';
import { CreateServerDialog } from '../features/servers/CreateServerDialog';
import { ProfileEditor } from '../features/dms/ProfileEditor';
import { useMe } from '../features/dms/api';
import { ServerRail } from '../features/servers/ServerRail';
import { ThemeToggle } from '../features/theme/theme';

/** Everything behind the login: the server rail, the user bar, and the screen of the current route. */
export function AppShell() {
  const { user, logout } = useSession();
  const location = useLocation();
  const [creating, setCreating] = useState(false);
  const [editingProfile, setEditingProfile] = useState(false);
  const { data: me } = useMe();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;

  return (
    <RealtimeProvider>
      <div className="shell">
        <div className="rail-column">
          <ServerRail onCreate={() => setCreating(true)} />
        </div>
        <div className="main-column">
          <header className="topbar">
            <span className="brand">Chorus</span>
            <ConnectionBanner />
            <span className="spacer" />
            <span className="me">
              <Avatar name={me?.displayName ?? user.username} size={28} />
              <span>{me?.displayName ?? user.username}</span>
            </span>
            <button type="button" onClick={() => setEditingProfile(true)}>
              Edit profile
            </button>
            <ThemeToggle />
            <button type="button" onClick={() => void logout()}>
              Log out
            </button>
          </header>
          <div className="content">
            <Suspense fallback={<Spinner />}>
              <Outlet />
            </Suspense>
          </div>
        </div>
      </div>
      <CreateServerDialog open={creating} onClose={() => setCreating(false)} />
      <ProfileEditor open={editingProfile} onClose={() => setEditingProfile(false)} />
    </RealtimeProvider>
  );
}
