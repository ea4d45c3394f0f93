import { Link, useNavigate, useParams } from 'react-router';
import { isChorusError } from '@chorus/client';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Spinner } from '../../components/Spinner';
import { useSession } from '../auth/session';
import { ThemeToggle } from '../theme/theme';
import { useInvitePreview, useRedeemInvite } from './api';

/**
 * `/invite/<code>`, public (SPEC 14): the server's name, description and member count, and "Join
 * server". Signed out, Join goes through the login page and comes back here; joined (or already a
 * member) it opens the server.
 */
export default function InvitePage() {
  const { code = '' } = useParams();
  const { user } = useSession();
  const navigate = useNavigate();
  const preview = useInvitePreview(code);
  const redeem = useRedeemInvite(code);
  const serverId = preview.data?.server.id;

  const join = () => {
    if (!user) return void navigate('/login', { state: { from: `/invite/${code}` } });
    redeem.mutate(undefined, {
      onSuccess: (r) => void navigate(`/servers/${r.serverId}`),
      onError: (err) => {
        if (isChorusError(err, 'ALREADY_MEMBER') && serverId) void navigate(`/servers/${serverId}`);
      },
    });
  };

  return (
    <main className="login">
      <div className="login-theme">
        <ThemeToggle />
      </div>
      <section className="card login-card invite-card" aria-labelledby="invite-title">
        {preview.isPending ? (
          <Spinner label="Loading the invite" />
        ) : !preview.data ? (
          <>
            <h1 id="invite-title">Invite not found</h1>
            <p className="muted">This invite is unknown, has expired, was revoked or has been used up. Ask for a new one.</p>
            {!isChorusError(preview.error, 'NOT_FOUND') && <ErrorText error={preview.error} />}
            <Link to="/">Go to Chorus</Link>
          </>
        ) : (
          <>
            <p className="muted small">You have been invited to join</p>
            <div className="invite-server">
              <Avatar name={preview.data.server.name} size={64} />
              <h1 id="invite-title">{preview.data.server.name}</h1>
            </div>
            {preview.data.server.description && <p>{preview.data.server.description}</p>}
            <p className="muted">
              {preview.data.server.memberCount} {preview.data.server.memberCount === 1 ? 'member' : 'members'}
            </p>
            {!user && <p className="muted small">Log in or register first; you will come back here.</p>}
            {redeem.error && !isChorusError(redeem.error, 'ALREADY_MEMBER') && <ErrorText error={redeem.error} />}
            <button type="button" className="primary" disabled={redeem.isPending} onClick={join}>
              Join server
            </button>
          </>
        )}
      </section>
    </main>
  );
}
