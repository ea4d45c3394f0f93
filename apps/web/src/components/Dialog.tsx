import { useEffect, useId, useRef, type ReactNode } from 'react';

/** A native modal <dialog> (focus trap, Escape and the backdrop come with it), named by its title. */
export function Dialog({ open, onClose, title, children }: { open: boolean; onClose(): void; title: string; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="card dialog" aria-labelledby={titleId} onClose={onClose}>
      {open && (
        <>
          <h2 id={titleId}>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

/** "Are you sure?" with a named confirm button; the action's error stays in the dialog. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  body: ReactNode;
  confirm: string;
  busy: boolean;
  onConfirm(): void;
  onClose(): void;
  children?: ReactNode;
}) {
  return (
    <Dialog open={props.open} onClose={props.onClose} title={props.title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onConfirm();
        }}
      >
        <p>{props.body}</p>
        {props.children}
        <div className="row end">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary danger-fill" disabled={props.busy}>
            {props.confirm}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
