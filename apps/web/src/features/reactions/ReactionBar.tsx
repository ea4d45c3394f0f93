import { useCallback, useState } from 'react';
import type { Message } from '@chorus/contracts';
import { ErrorText } from '../../components/ErrorText';
import type { useToggleReaction } from './api';
import { EmojiPicker } from './EmojiPicker';

type Toggle = ReturnType<typeof useToggleReaction>;

/** The chips under a message (emoji and count; pressed when the caller reacted). Nothing, not even an
 * empty row, while the message has no reactions: the list stays as compact as a chat's. */
export function ReactionBar({ message, toggle }: { message: Message; toggle: Toggle }) {
  if (message.reactions.length === 0 && !toggle.error) return null;
  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {message.reactions.map((r) => (
        <button
          key={r.emoji}
          type="button"
          className="reaction-chip"
          aria-pressed={r.me}
          title={r.me ? 'Take your reaction back' : `React with ${r.emoji}`}
          onClick={() => toggle.mutate({ emoji: r.emoji, on: !r.me })}
        >
          {r.emoji} <span className="reaction-count">{r.count}</span>
        </button>
      ))}
      <ErrorText error={toggle.error} />
    </div>
  );
}

/** "Add reaction" (in the message's hover toolbar) and its picker; a pick the caller already made is a no-op. */
export function AddReaction({ message, toggle }: { message: Message; toggle: Toggle }) {
  const [picking, setPicking] = useState(false);
  const close = useCallback(() => setPicking(false), []);
  const pick = (emoji: string) => {
    setPicking(false);
    const mine = message.reactions.find((r) => r.emoji === emoji)?.me ?? false;
    if (!mine) toggle.mutate({ emoji, on: true });
  };
  return (
    <span className="reaction-add-wrap">
      <button
        type="button"
        className="icon-button reaction-add"
        aria-label="Add reaction"
        aria-expanded={picking}
        title="Add reaction"
        onClick={() => setPicking((p) => !p)}
      >
        +😀
      </button>
      {picking && <EmojiPicker onPick={pick} onClose={close} />}
    </span>
  );
}
