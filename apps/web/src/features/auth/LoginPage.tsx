import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { chorus } from '../../lib/chorus';
import { ErrorText } from '../../components/ErrorText';
import { ThemeToggle } from '../theme/theme';
import { useSession } from './session';

/** Log in or register with the same two fields (SPEC 2); the session then survives reloads. */
export default function LoginPage() {
  const { session } = useSession();
  const location = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  if (session) return <Navigate to={from} replace />;

  const run = (action: 'login' | 'register') => async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await chorus.auth[action]({ username: username.trim(), password });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <div className="login-theme">
        <ThemeToggle />
      </div>
      <form className="card login-card" onSubmit={run('login')} aria-labelledby="login-title">
        <h1 id="login-title">Welcome to Chorus</h1>
        <p className="muted">Log in, or pick a name and a password to register.</p>
        <label>
          Username
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <ErrorText error={error} />
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            Log in
          </button>
          <button type="button" disabled={busy} onClick={() => void run('register')()}>
            Register
          </button>
        </div>
        <p className="muted small">Usernames: 2–32 letters, digits, “_”, “.” or “-”. Passwords: 8–128 characters.</p>
      </form>
    </main>
  );
}
