import { memo, useState, type KeyboardEvent } from 'react';
import type { Message } from '@chorus/contracts';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { ErrorText } from '../../components/ErrorText';
import { useSession } from '../auth/session';
import { useToggleReaction } from '../reactions/api';
import { AddReaction, ReactionBar } from '../reactions/ReactionBar';
import { useDeleteMessage, useEditMessage } from './api';
import { MessageText } from './MessageText';

/** The name to show for an author: their display name as of the send (SPEC 10). */
export const authorName = (author: Message['author']) => author.displayName || author.username;

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * One message. A `grouped` one continues the previous message's group (same author, minutes apart):
 * only its text shows, with its time in the gutter on hover, while the author and time stay in the
 * list item for screen readers. The hover/focus toolbar has "Add reaction", and for the author Edit and
 * Delete. Reactions (SPEC 12) render under the content; a mention of the caller is highlighted.
 */
export const MessageItem = memo(function MessageItem({ message, mine, grouped }: { message: Message; mine: boolean; grouped: boolean }) {
  const [editing, setEditing] = useState(false);
  const remove = useDeleteMessage(message.channelId);
  const toggle = useToggleReaction(message.channelId, message.id);
  const created = new Date(message.createdAt);
  const name = authorName(message.author);
  const { user } = useSession();
  const mentionsMe = !!user && message.content.includes(`<@${user.id}>`);

  return (
    <li className={`message${grouped ? ' grouped' : ''}${mentionsMe ? ' mentioned' : ''}`} data-message-id={message.id}>
      {grouped ? (
        <span className="message-gutter muted" aria-hidden="true">
          {time.format(created)}
        </span>
      ) : (
        <Avatar name={name} />
      )}
      <div className="message-body">
        <div className={grouped ? 'visually-hidden' : 'message-meta'}>
          <strong className="author">{name}</strong>{' '}
          <time dateTime={message.createdAt} title={day.format(created)} className="muted small">
            {time.format(created)}
          </time>
        </div>
        {editing ? (
          <EditBox message={message} onDone={() => setEditing(false)} />
        ) : (
          <p className="message-text">
            <MessageText content={message.content} self={user} />
            {message.editedAt && (
              <span className="muted small" title={`Edited ${day.format(new Date(message.editedAt))}`}>
                {' '}
                (edited)
              </span>
            )}
          </p>
        )}
        {!editing && <ReactionBar message={message} toggle={toggle} />}
        <ErrorText error={remove.error} />
      </div>
      {!editing && (
        <div className="message-actions" role="group" aria-label="Message actions">
          <AddReaction message={message} toggle={toggle} />
          {mine && <AuthorActions deleting={remove.isPending} onEdit={() => setEditing(true)} onDelete={() => remove.mutate(message.id)} />}
        </div>
      )}
    </li>
  );
});

/** The author's editor in place of the text: Enter saves (an unchanged or empty text just closes), Escape cancels. */
function EditBox({ message, onDone }: { message: Message; onDone: () => void }) {
  const [draft, setDraft] = useState(message.content);
  const edit = useEditMessage(message.channelId);
  const save = () => {
    const content = draft.trim();
    if (!content || content === message.content) return onDone();
    edit.mutate({ id: message.id, content }, { onSuccess: onDone });
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      save();
    }
    if (e.key === 'Escape') onDone();
  };
  return (
    <div className="edit">
      <textarea aria-label="Edit message" value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} autoFocus rows={2} />
      <div className="row small">
        <button type="button" className="primary" onClick={save} disabled={edit.isPending}>
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <ErrorText error={edit.error} />
    </div>
  );
}

/** The author's Edit and Delete buttons. */
function AuthorActions({ deleting, onEdit, onDelete }: { deleting: boolean; onEdit: () => void; onDelete: () => void }) {
  return (
    <>
      <button type="button" className="icon-button" aria-label="Edit message" onClick={onEdit}>
        <Icon name="pencil" />
      </button>
      <button type="button" className="icon-button danger" aria-label="Delete message" disabled={deleting} onClick={onDelete}>
        <Icon name="trash" />
      </button>
    </>
  );
}
