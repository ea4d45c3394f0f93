import { useEffect, useRef } from 'react';

/**
 * A small built-in set rather than a picker library: the full pickers (emoji-mart and the like) ship the
 * whole Unicode emoji table (hundreds of KB) for a row of quick reactions; any other emoji still works
 * through the API.
 */
export const QUICK_EMOJI = [
  '👍',
  '👎',
  '❤️',
  '😂',
  '😮',
  '😢',
  '😡',
  '🎉',
  '🔥',
  '👀',
  '🙏',
  '👏',
  '✅',
  '❌',
  '💯',
  '🚀',
  '🤔',
  '😍',
  '😎',
  '🥳',
  '😅',
  '🙌',
  '💪',
  '⭐',
] as const;

/** A dialog of emoji buttons; picking one or pressing Escape (or clicking outside) closes it. */
export function EmojiPicker({ onPick, onClose }: { onPick(emoji: string): void; onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector('button')?.focus();
    const outside = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [onClose]);
  return (
    <div
      ref={ref}
      className="emoji-picker"
      role="dialog"
      aria-label="Pick an emoji"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      {QUICK_EMOJI.map((emoji) => (
        <button key={emoji} type="button" className="emoji-option" aria-label={`React with ${emoji}`} onClick={() => onPick(emoji)}>
          {emoji}
        </button>
      ))}
    </div>
  );
}
