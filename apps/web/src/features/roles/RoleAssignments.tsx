import { ErrorText } from '../../components/ErrorText';
import { useIntent } from '../../lib/use-intent';
import { useMembers } from '../servers/api';
import { byRank, useAssignRole, useRoles } from './api';

/** Server settings → Member roles: one checkbox per member and role (`@everyone` is implicit). */
export function RoleAssignments({ serverId }: { serverId: string }) {
  const roles = useRoles(serverId);
  const members = useMembers(serverId, true);
  const assign = useAssignRole(serverId);
  const [intent, change] = useIntent(assign);
  const assignable = byRank(roles.data ?? []).filter((r) => r.id !== serverId);

  return (
    <section className="settings-section" aria-labelledby="assign-title">
      <h2 id="assign-title">Member roles</h2>
      <ErrorText error={assign.error ?? members.error} />
      {assignable.length === 0 ? (
        <p className="muted">Create a role first; every member already has @everyone.</p>
      ) : (
        <table className="assign-table">
          <thead>
            <tr>
              <th scope="col">Member</th>
              {assignable.map((r) => (
                <th key={r.id} scope="col">
                  {r.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {members.data?.map((m) => {
              const held = new Set(m.roleIds);
              const pending = intent?.userId === m.userId ? intent : undefined;
              if (pending) held[pending.on ? 'add' : 'delete'](pending.roleId);
              return (
                <tr key={m.userId}>
                  <th scope="row">{m.username}</th>
                  {assignable.map((r) => (
                    <td key={r.id}>
                      <input
                        type="checkbox"
                        aria-label={`${r.name} for ${m.username}`}
                        checked={held.has(r.id)}
                        disabled={intent !== undefined}
                        onChange={(e) => change({ userId: m.userId, roleId: r.id, on: e.target.checked })}
                      />
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
