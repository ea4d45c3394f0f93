import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';
import { useSession } from '../auth/session';
import { mergeMessages, newestId, type MessagesData } from '../messages/cache';
import { Composer } from '../messages/Composer';
import { MessageList } from '../messages/MessageList';
import { TypingIndicator } from '../messages/TypingIndicator';
import { PresenceDot } from '../presence/PresenceDot';
import { useRealtime } from '../realtime/socket';
import { DirectMessages } from './DirectMessages';
import { otherOf, useDms } from './api';

/** A DM conversation (SPEC 10): the same history, live messages, composer and typing as a channel. */
export default function DmPage() {
  const { channelId = '' } = useParams();
  const { data: dms } = useDms();
  const { user } = useSession();
  const { socket } = useRealtime();
  const qc = useQueryClient();
  const dm = dms?.find((d) => d.id === channelId);

  const exists = !!dm;
  useEffect(() => {
    if (!socket || !exists) return;
    let active = true;
    void (async () => {
      await socket.ready();
      if (!active) return;
      await socket.join(channelId, newestId(qc.getQueryData<MessagesData>(keys.messages(channelId))));
      const loaded = newestId(qc.getQueryData<MessagesData>(keys.messages(channelId)));
      if (!active || !loaded) return;
      mergeMessages(qc, channelId, await chorus.messages.since(channelId, loaded));
    })().catch(() => undefined);
    return () => {
      active = false;
      void socket.leave(channelId).catch(() => undefined);
    };
  }, [socket, channelId, exists, qc]);

  const other = dm ? otherOf(dm, user?.id ?? '') : undefined;
  return (
    <div className="server">
      <aside className="sidebar" aria-label="Conversations">
        <DirectMessages />
      </aside>
      {!other ? (
        <main className="page muted">{dms ? 'This conversation does not exist.' : 'Loading…'}</main>
      ) : (
        <main className="channel" aria-labelledby="channel-title">
          <header className="channel-header">
            <h1 id="channel-title">
              <PresenceDot userId={other.id} /> {other.displayName}
            </h1>
            {other.bio && <span className="muted small topic">{other.bio}</span>}
          </header>
          <MessageList key={channelId} channelId={channelId} channelName={other.displayName} serverId={null} />
          <TypingIndicator channelId={channelId} />
          <Composer key={`c-${channelId}`} channelId={channelId} channelName={other.displayName} />
        </main>
      )}
    </div>
  );
}
