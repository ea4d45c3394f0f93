import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useOutletContext, useParams } from 'react-router';
import type { ServerDetail } from '@chorus/contracts';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';
import { usePermissions } from '../permissions/access';
import { useRealtime } from '../realtime/socket';
import { mergeMessages, newestId, type MessagesData } from './cache';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { TypingIndicator } from './TypingIndicator';

/**
 * A channel: its history, live messages and the composer. The room is joined while the channel is
 * open. History and the join run in parallel (so the page shows messages fast); after the join is
 * acknowledged, anything newer than the loaded history is fetched once, so nothing falls in between.
 */
export default function ChannelPage() {
  const { channelId = '' } = useParams();
  const server = useOutletContext<ServerDetail>();
  const channel = server.channels.find((c) => c.id === channelId);
  const { socket } = useRealtime();
  const qc = useQueryClient();
  const perms = usePermissions(server.id, channelId);

  const exists = !!channel;
  useEffect(() => {
    if (!socket || !exists) return;
    let active = true;
    const cached = () => newestId(qc.getQueryData<MessagesData>(keys.messages(channelId)));
    void (async () => {
      await socket.ready();
      if (!active) return;
      await socket.join(channelId, cached());
      const loaded = cached();
      if (!active || !loaded) return;
      const missed = await chorus.messages.since(channelId, loaded);
      mergeMessages(qc, channelId, missed);
      const last = missed.at(-1);
      if (last) socket.markSeen(channelId, last.id);
    })().catch(() => undefined);
    // Rejoining after a reconnect is the socket wrapper's job, not this effect's.
    return () => {
      active = false;
      void socket.leave(channelId).catch(() => undefined);
    };
  }, [socket, channelId, exists, qc]);

  if (!channel) return <main className="page muted">This channel does not exist (any more).</main>;

  return (
    <main className="channel" aria-labelledby="channel-title">
      <header className="channel-header">
        <h1 id="channel-title">#{channel.name}</h1>
        {channel.topic && <span className="muted small topic">{channel.topic}</span>}
      </header>
      <MessageList key={channelId} channelId={channelId} channelName={channel.name} serverId={server.id} />
      <TypingIndicator channelId={channelId} />
      <Composer
        key={`c-${channelId}`}
        channelId={channelId}
        channelName={channel.name}
        canSend={!perms.ready || perms.can('SEND_MESSAGES')}
        onForbidden={() => void qc.invalidateQueries({ queryKey: keys.channelAccess(server.id, channelId) })}
      />
    </main>
  );
}
