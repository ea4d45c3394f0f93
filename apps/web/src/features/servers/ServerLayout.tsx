import { Navigate, Outlet, useNavigate, useParams } from 'react-router';
import { ErrorText } from '../../components/ErrorText';
import { Spinner } from '../../components/Spinner';
import { useSession } from '../auth/session';
import { ChannelList } from '../channels/ChannelList';
import { usePermissions } from '../permissions/access';
import { MemberList } from './MemberList';
import { ServerActions } from './ServerActions';
import { useIsMember, useMembership, useServer } from './api';

/** A server: its channels beside the open channel; a preview with "Join server" for non-members. */
export default function ServerLayout() {
  const { serverId = '' } = useParams();
  const { user } = useSession();
  const navigate = useNavigate();
  const server = useServer(serverId);
  const isMember = useIsMember(serverId);
  const { join, leave } = useMembership(serverId);
  const perms = usePermissions(serverId);

  if (server.isPending || isMember.isPending) return <Spinner />;
  if (server.error || !server.data) return <ErrorText error={server.error ?? new Error('Server not found')} />;
  const s = server.data;
  const isOwner = s.ownerId === user?.id;
  const member = isMember.data === true;

  return (
    <div className="server">
      <aside className="sidebar" aria-label={`${s.name} server`}>
        <header className="sidebar-header">
          <h2 title={s.name}>{s.name}</h2>
          {s.visibility === 'private' && (
            <span className="badge" title="Hidden from explore; joined by invite only">
              private
            </span>
          )}
        </header>
        {member && <ServerActions serverId={s.id} />}
        {member ? (
          <ChannelList server={s} canManage={perms.can('MANAGE_CHANNELS')} />
        ) : (
          <p className="muted pad">Join to read and write in its channels.</p>
        )}
        <div className="sidebar-footer">
          {!member && (
            <button type="button" className="primary" disabled={join.isPending} onClick={() => join.mutate()}>
              Join server
            </button>
          )}
          {member && !isOwner && (
            <button
              type="button"
              className="danger"
              disabled={leave.isPending}
              onClick={() => leave.mutate(undefined, { onSuccess: () => navigate('/explore') })}
            >
              Leave server
            </button>
          )}
          <ErrorText error={join.error ?? leave.error} />
        </div>
      </aside>
      {member ? (
        <>
          <Outlet context={s} />
          <MemberList serverId={s.id} ownerId={s.ownerId} />
        </>
      ) : (
        <main className="page preview" aria-labelledby="preview-title">
          <h1 id="preview-title">{s.name}</h1>
          {s.description && <p>{s.description}</p>}
          <p className="muted">
            {s.category ?? 'No category'} · {s.memberCount} {s.memberCount === 1 ? 'member' : 'members'} · channels:{' '}
            {s.channels.map((c) => `#${c.name}`).join(', ')}
          </p>
        </main>
      )}
    </div>
  );
}

/** /servers/:id: open its first channel. */
export function ServerIndex() {
  const { serverId = '' } = useParams();
  const server = useServer(serverId);
  const first = server.data?.channels[0];
  if (!first) return <main className="page muted">This server has no channels yet.</main>;
  return <Navigate to={`/servers/${serverId}/channels/${first.id}`} replace />;
}
