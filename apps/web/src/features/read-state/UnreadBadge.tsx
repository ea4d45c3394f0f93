import { ENGAGEMENT_LIMITS } from '@chorus/contracts';

const shown = (n: number) => (n >= ENGAGEMENT_LIMITS.unreadCap ? `${ENGAGEMENT_LIMITS.unreadCap - 1}+` : String(n));

/**
 * A channel's or server's unread marker: the mention count in red when someone mentioned the caller,
 * else a count (channels) or a dot (servers). Its text is the link's description (`aria-describedby`),
 * so the link keeps its name (`#general`, the server's name).
 */
export function UnreadBadge({ id, unread, mentions }: { id: string; unread: number | boolean; mentions: number }) {
  if (mentions > 0) {
    return (
      <span id={id} className="unread-badge mention" aria-label={`${shown(mentions)} mentions`}>
        {shown(mentions)}
      </span>
    );
  }
  if (!unread) return null;
  const label = typeof unread === 'number' ? `${shown(unread)} unread` : 'unread messages';
  return (
    <span id={id} className={`unread-badge${typeof unread === 'number' ? '' : ' dot'}`} aria-label={label}>
      {typeof unread === 'number' ? shown(unread) : ''}
    </span>
  );
}
