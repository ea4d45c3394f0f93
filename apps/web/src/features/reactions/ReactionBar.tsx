import { useCallback, useState } from 'react';
import type { Message } from '@chorus/contracts';
import { ErrorText } from '../../components/ErrorText';
import { useToggleReaction } from './api';
import { EmojiPicker } from './EmojiPicker';

/** The chips under a message (emoji and count; pressed when the caller reacted) and "Add reaction". */
export function ReactionBar({ message }: { message: Message }) {
  const [picking, setPicking] = useState(false);
  const toggle = useToggleReaction(message.channelId, message.id);
  const close = useCallback(() => setPicking(false), []);
  const pick = (emoji: string) => {
    setPicking(false);
    const mine = message.reactions.find((r) => r.emoji === emoji)?.me ?? false;
    if (!mine) toggle.mutate({ emoji, on: true });
  };
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
      <span className="reaction-add-wrap">
        <button
          type="button"
          className="icon-button reaction-add"
          aria-label="Add reaction"
          aria-expanded={picking}
          onClick={() => setPicking((p) => !p)}
        >
          +😀
        </button>
        {picking && <EmojiPicker onPick={pick} onClose={close} />}
      </span>
      <ErrorText error={toggle.error} />
    </div>
  );
}
