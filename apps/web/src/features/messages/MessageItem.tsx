import { memo, useState, type KeyboardEvent } from 'react';
import type { Message } from '@chorus/contracts';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { ErrorText } from '../../components/ErrorText';
import { useSession } from '../auth/session';
import { ReactionBar } from '../reactions/ReactionBar';
import { useDeleteMessage, useEditMessage } from './api';
import { MessageText } from './MessageText';

/** The name to show for an author: their display name as of the send (SPEC 10). */
export const authorName = (author: Message['author']) => author.displayName || author.username;

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** One message; the author gets Edit and Delete. Reactions (SPEC 12) render under the content; a mention of the caller is highlighted. */
export const MessageItem = memo(function MessageItem({ message, mine, grouped }: { message: Message; mine: boolean; grouped: boolean }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);
  const edit = useEditMessage(message.channelId);
  const remove = useDeleteMessage(message.channelId);
  const created = new Date(message.createdAt);
  const name = authorName(message.author);
  const { user } = useSession();
  const mentionsMe = !!user && message.content.includes(`<@${user.id}>`);

  const save = () => {
    const content = draft.trim();
    if (!content || content === message.content) return setEditing(false);
    edit.mutate({ id: message.id, content }, { onSuccess: () => setEditing(false) });
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      save();
    }
    if (e.key === 'Escape') setEditing(false);
  };

  return (
    <li className={`message${grouped ? ' grouped' : ''}${mentionsMe ? ' mentioned' : ''}`} data-message-id={message.id}>
      {grouped ? <span className="message-gutter" aria-hidden="true" /> : <Avatar name={name} />}
      <div className="message-body">
        <div className={grouped ? 'visually-hidden' : 'message-meta'}>
          <strong className="author">{name}</strong>{' '}
          <time dateTime={message.createdAt} title={day.format(created)} className="muted small">
            {time.format(created)}
          </time>
        </div>
        {editing ? (
          <div className="edit">
            <textarea
              aria-label="Edit message"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={onKey}
              autoFocus
              rows={2}
            />
            <div className="row small">
              <button type="button" className="primary" onClick={save} disabled={edit.isPending}>
                Save
              </button>
              <button type="button" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </div>
            <ErrorText error={edit.error} />
          </div>
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
        {!editing && <ReactionBar message={message} />}
        <ErrorText error={remove.error} />
      </div>
      {mine && !editing && (
        <MessageActions
          deleting={remove.isPending}
          onEdit={() => {
            setDraft(message.content);
            setEditing(true);
          }}
          onDelete={() => remove.mutate(message.id)}
        />
      )}
    </li>
  );
});

/** The author's Edit and Delete buttons. */
function MessageActions({ deleting, onEdit, onDelete }: { deleting: boolean; onEdit: () => void; onDelete: () => void }) {
  return (
    <div className="message-actions" role="group" aria-label="Message actions">
      <button type="button" className="icon-button" aria-label="Edit message" onClick={onEdit}>
        <Icon name="pencil" />
      </button>
      <button type="button" className="icon-button danger" aria-label="Delete message" disabled={deleting} onClick={onDelete}>
        <Icon name="trash" />
      </button>
    </div>
  );
}
