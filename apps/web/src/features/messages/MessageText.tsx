import { Fragment } from 'react';

const MENTION = /<@([0-9a-f]{24})>/gi;

/** Message text with `<@userId>` mentions shown as chips: the caller's own by name and highlighted. */
export function MessageText({ content, self }: { content: string; self: { id: string; username: string } | null }) {
  const parts: Array<string | { id: string }> = [];
  let last = 0;
  for (const m of content.matchAll(MENTION)) {
    parts.push(content.slice(last, m.index), { id: m[1]!.toLowerCase() });
    last = m.index + m[0].length;
  }
  parts.push(content.slice(last));
  return (
    <>
      {parts.map((p, i) =>
        typeof p === 'string' ? (
          <Fragment key={i}>{p}</Fragment>
        ) : (
          <span key={i} className={`mention-chip${p.id === self?.id ? ' me' : ''}`}>
            @{p.id === self?.id ? self.username : 'member'}
          </span>
        ),
      )}
    </>
  );
}
