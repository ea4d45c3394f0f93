import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ErrorText } from '../../components/ErrorText';
import { useMe, useUpdateProfile } from './api';

/** The caller's profile (SPEC 10): display name, an https avatar URL and a short bio. */
export function ProfileEditor({ open, onClose }: { open: boolean; onClose(): void }) {
  const { data: me } = useMe();
  const update = useUpdateProfile();
  const ref = useRef<HTMLDialogElement>(null);
  const [displayName, setDisplayName] = useState('');
  const [avatarUrl, setAvatarUrl] = useState('');
  const [bio, setBio] = useState('');
  useEffect(() => {
    if (!me || !open) return;
    setDisplayName(me.displayName);
    setAvatarUrl(me.avatarUrl ?? '');
    setBio(me.bio);
  }, [me, open]);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const save = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ displayName, avatarUrl: avatarUrl.trim() || null, bio }, { onSuccess: onClose });
  };
  return (
    <dialog ref={ref} className="card dialog" aria-labelledby="profile-title" onClose={onClose}>
      <form onSubmit={save}>
        <h2 id="profile-title">Your profile</h2>
        <label>
          Display name
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={32} required />
        </label>
        <label>
          Avatar URL
          <input type="url" value={avatarUrl} onChange={(e) => setAvatarUrl(e.target.value)} placeholder="https://…" />
        </label>
        <label>
          Bio
          <textarea value={bio} onChange={(e) => setBio(e.target.value)} maxLength={190} rows={3} />
        </label>
        <ErrorText error={update.error} />
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={update.isPending}>
            Save profile
          </button>
        </div>
      </form>
    </dialog>
  );
}
