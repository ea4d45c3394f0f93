import { useState, type FormEvent } from 'react';
import { ALL_PERMISSIONS, type Permission, type Role } from '@chorus/contracts';
import { ErrorText } from '../../components/ErrorText';
import { Spinner } from '../../components/Spinner';
import { useIntent } from '../../lib/use-intent';
import type { Permissions } from '../permissions/access';
import { PERMISSION_LABELS, byRank, useCreateRole, useDeleteRole, useRoles, useMoveRole, useUpdateRole } from './api';

/**
 * Server settings → Roles (SPEC 15, MANAGE_ROLES): create, rename, delete, order and grant. The server
 * refuses editing a role at or above one's own highest and granting what one lacks; the permissions
 * the caller lacks are not offered.
 */
export function RoleEditor({ serverId, perms }: { serverId: string; perms: Permissions }) {
  const roles = useRoles(serverId);
  const [selected, setSelected] = useState<string | null>(null);
  const move = useMoveRole(serverId);
  const ranked = byRank(roles.data ?? []);
  const current = ranked.find((r) => r.id === selected) ?? ranked[0];

  return (
    <section className="settings-section" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      <ErrorText error={roles.error ?? move.error} />
      {roles.isPending && <Spinner label="Loading roles" />}
      <div className="role-editor">
        <div className="role-column">
          <ul className="role-list" aria-label="Roles">
            {ranked.map((r, i) => {
              const movable = r.id !== serverId;
              const above = ranked[i - 1];
              const below = ranked[i + 1];
              return (
                <li key={r.id} className={r.id === current?.id ? 'selected' : undefined}>
                  <button type="button" className="role-name" aria-pressed={r.id === current?.id} onClick={() => setSelected(r.id)}>
                    {r.name}
                  </button>
                  {movable && above && (
                    <button
                      type="button"
                      className="icon-button small"
                      aria-label={`Move ${r.name} up`}
                      disabled={move.isPending}
                      onClick={() => move.mutate({ role: r, other: above, up: true })}
                    >
                      ▲
                    </button>
                  )}
                  {movable && below && below.id !== serverId && (
                    <button
                      type="button"
                      className="icon-button small"
                      aria-label={`Move ${r.name} down`}
                      disabled={move.isPending}
                      onClick={() => move.mutate({ role: r, other: below, up: false })}
                    >
                      ▼
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          <CreateRoleForm serverId={serverId} onCreated={setSelected} />
        </div>
        {current && <RoleDetail key={current.id} serverId={serverId} role={current} perms={perms} onDeleted={() => setSelected(null)} />}
      </div>
    </section>
  );
}

function CreateRoleForm({ serverId, onCreated }: { serverId: string; onCreated(id: string): void }) {
  const [name, setName] = useState('');
  const create = useCreateRole(serverId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(name.trim(), {
      onSuccess: (role) => {
        setName('');
        onCreated(role.id);
      },
    });
  };
  return (
    <form className="create-role" onSubmit={submit}>
      <input
        aria-label="New role name"
        placeholder="New role"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
        maxLength={32}
      />
      <button type="submit" disabled={create.isPending}>
        Create role
      </button>
      <ErrorText error={create.error} />
    </form>
  );
}

function RoleDetail({ serverId, role, perms, onDeleted }: { serverId: string; role: Role; perms: Permissions; onDeleted(): void }) {
  const [name, setName] = useState(role.name);
  const update = useUpdateRole(serverId);
  const remove = useDeleteRole(serverId);
  const everyone = role.id === serverId;
  const [editing, edit] = useIntent(update);
  // Checkboxes show the edit in flight; the refetched role replaces it.
  const shown = editing?.permissions ?? role.permissions;
  const toggle = (p: Permission, on: boolean) => edit({ roleId: role.id, permissions: on ? [...shown, p] : shown.filter((x) => x !== p) });
  const rename = (e: FormEvent) => {
    e.preventDefault();
    edit({ roleId: role.id, name: name.trim() });
  };

  return (
    <div className="role-detail" role="group" aria-label={`Role ${role.name}`}>
      {everyone ? (
        <p className="muted small">Every member has @everyone; it cannot be renamed or deleted.</p>
      ) : (
        <form className="row" onSubmit={rename}>
          <label className="grow">
            Role name
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={32} />
          </label>
          <button type="submit" disabled={editing !== undefined || name.trim() === role.name}>
            Rename
          </button>
        </form>
      )}
      <fieldset className="permissions">
        <legend>Permissions</legend>
        {ALL_PERMISSIONS.map((p) => (
          <label key={p} className="check">
            <input
              type="checkbox"
              checked={shown.includes(p)}
              disabled={editing !== undefined || !perms.can(p)}
              onChange={(e) => toggle(p, e.target.checked)}
            />
            {PERMISSION_LABELS[p]}
          </label>
        ))}
      </fieldset>
      <ErrorText error={update.error ?? remove.error} />
      {!everyone && (
        <div className="row end">
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate(role.id, { onSuccess: onDeleted })}
          >
            Delete role
          </button>
        </div>
      )}
    </div>
  );
}
