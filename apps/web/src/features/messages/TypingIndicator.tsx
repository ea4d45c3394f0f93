import { useEffect, useState } from 'react';
import { useRealtime } from '../realtime/socket';

const SHOW_MS = 6_000;

/** "ada is typing…", from `typing:start` events of this channel (never our own: the gateway skips the sender). */
export function TypingIndicator({ channelId }: { channelId: string }) {
  const { socket } = useRealtime();
  const [typing, setTyping] = useState<Map<string, { name: string; until: number }>>(new Map());

  useEffect(() => {
    setTyping(new Map());
    if (!socket) return;
    const offTyping = socket.on('typing:start', (e) => {
      if (e.channelId !== channelId) return;
      setTyping((m) => new Map(m).set(e.user.id, { name: e.user.username, until: Date.now() + SHOW_MS }));
    });
    // A message from someone ends their "typing".
    const offMessage = socket.on('message:created', (msg) => {
      if (msg.channelId !== channelId) return;
      setTyping((m) => {
        if (!m.has(msg.author.id)) return m;
        const next = new Map(m);
        next.delete(msg.author.id);
        return next;
      });
    });
    const timer = setInterval(() => {
      setTyping((m) => {
        const now = Date.now();
        if (![...m.values()].some((t) => t.until <= now)) return m;
        return new Map([...m].filter(([, t]) => t.until > now));
      });
    }, 1_000);
    return () => {
      offTyping();
      offMessage();
      clearInterval(timer);
    };
  }, [socket, channelId]);

  const names = [...typing.values()].map((t) => t.name);
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length <= 3
          ? `${names.join(', ')} are typing…`
          : 'Several people are typing…';
  return (
    <div className="typing muted small" aria-live="polite">
      {text}
    </div>
  );
}
