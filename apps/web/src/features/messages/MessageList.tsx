import { useEffect, useMemo, useRef } from 'react';
import { ErrorText } from '../../components/ErrorText';
import { Spinner } from '../../components/Spinner';
import { useSession } from '../auth/session';
import { useMarkRead } from '../read-state/api';
import { useChannelMessages } from './api';
import { continuesGroup } from './grouping';
import { MessageItem } from './MessageItem';

/**
 * The list named "Messages", oldest at the top. The scroller is `column-reverse`, so it stays pinned
 * to the newest message while new ones arrive and does not jump when older pages are prepended; a
 * sentinel at the top loads the next older page when it scrolls into view.
 */
export function MessageList({ channelId, channelName, serverId }: { channelId: string; channelName: string; serverId: string | null }) {
  const { user } = useSession();
  const history = useChannelMessages(channelId);
  const sentinel = useRef<HTMLDivElement>(null);
  const end = useRef<HTMLDivElement>(null);
  const markRead = useMarkRead(channelId, serverId);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;

  const messages = useMemo(() => (history.data?.pages.flatMap((p) => p.messages) ?? []).slice().reverse(), [history.data]);

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, messages.length]);

  // "Mark as read" once the newest message is in view (and the tab is visible): a sentinel after it.
  const newest = messages.at(-1)?.id;
  useEffect(() => {
    const el = end.current;
    if (!el || !newest) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && document.visibilityState === 'visible') markRead(newest);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [newest, markRead]);

  if (history.isPending) return <Spinner label="Loading messages" />;
  if (history.error) return <ErrorText error={history.error} />;

  return (
    <div className="scroller">
      <div className="scroller-inner">
        <div ref={sentinel} className="history-start">
          {hasNextPage ? (
            <Spinner label="Loading older messages" />
          ) : (
            <p className="muted">
              This is the beginning of <strong>#{channelName}</strong>.
            </p>
          )}
        </div>
        <ul className="messages" aria-label="Messages">
          {messages.map((m, i) => (
            <MessageItem key={m.id} message={m} mine={m.author.id === user?.id} grouped={continuesGroup(messages[i - 1], m)} />
          ))}
        </ul>
        <div ref={end} className="history-end" aria-hidden="true" />
      </div>
    </div>
  );
}
