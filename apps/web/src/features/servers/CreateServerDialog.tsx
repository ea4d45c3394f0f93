import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ErrorText } from '../../components/ErrorText';
import { useCategories, useCreateServer } from './api';

/** A native <dialog>: focus trap, Escape and the backdrop come with it. */
export function CreateServerDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const navigate = useNavigate();
  const create = useCreateServer();
  const { data: categories } = useCategories();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [category, setCategory] = useState('');
  const [isPrivate, setPrivate] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const server = await create.mutateAsync({
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(category ? { category } : {}),
      visibility: isPrivate ? 'private' : 'public',
    });
    setName('');
    setDescription('');
    setCategory('');
    setPrivate(false);
    onClose();
    navigate(`/servers/${server.id}/channels/${server.channels[0]!.id}`);
  };

  return (
    <dialog ref={ref} className="card dialog" aria-labelledby="create-server-title" onClose={onClose}>
      <form onSubmit={(e) => void submit(e).catch(() => undefined)}>
        <h2 id="create-server-title">Create a server</h2>
        <label>
          Server name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoFocus />
        </label>
        <label>
          Description
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} maxLength={1000} rows={2} />
        </label>
        <label>
          Category
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">None</option>
            {categories?.map((c) => (
              <option key={c.id} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} />
          <span>
            Private server
            <span className="muted small block">Hidden from explore and search; people join only with an invite link.</span>
          </span>
        </label>
        <ErrorText error={create.error} />
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create server
          </button>
        </div>
      </form>
    </dialog>
  );
}
