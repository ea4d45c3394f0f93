import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ChorusSocket, ConnectionState } from '@chorus/client';
import type { Member } from '@chorus/contracts';
import { chorus } from '../../lib/chorus';
import { keys } from '../../lib/query-client';
import { useSession } from '../auth/session';
import { mergeMessages, removeMessage, replaceMessage } from '../messages/cache';
import { applyReaction } from '../reactions/cache';
import { messageArrived, readUpdated } from '../read-state/cache';
import { noteAuthor } from '../servers/member-cache';

interface RealtimeValue {
  socket: ChorusSocket | null;
  state: ConnectionState;
}

const RealtimeContext = createContext<RealtimeValue>({ socket: null, state: 'closed' });

/**
 * One socket per logged-in session. Its events update the TanStack Query cache (there is no second
 * store): new, edited and deleted messages land in the channel's history (and a new author refreshes
 * the member list), reactions on their message, read positions and new messages in the unread counts,
 * DM activity in the DM list, presence in the member lists, a lost server leaves the side bar. The
 * socket wrapper rejoins channels and replays what was missed after a reconnect.
 */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const queryClient = useQueryClient();
  const [value, setValue] = useState<RealtimeValue>({ socket: null, state: 'closed' });
  const userId = user?.id;

  useEffect(() => {
    if (!userId) return;
    const socket = chorus.connect();
    setValue({ socket, state: socket.state });
    const offs = [
      socket.on('state', (state) => setValue({ socket, state })),
      socket.on('message:created', (m) => {
        mergeMessages(queryClient, m.channelId, [m]);
        messageArrived(queryClient, m, userId);
        noteAuthor(queryClient, m);
        // A DM message (in the user's own room, SPEC 10) moves its conversation to the top of the list.
        if (m.serverId === null) void queryClient.invalidateQueries({ queryKey: keys.dms });
      }),
      socket.on('presence:updated', (e) => {
        queryClient.setQueryData(keys.presence(e.userId), e.status);
        // Someone the member list does not show yet (they joined since it loaded): load it again.
        const members = e.serverId ? queryClient.getQueryData<Member[]>(keys.members(e.serverId)) : undefined;
        if (e.serverId && members && !members.some((m) => m.userId === e.userId))
          void queryClient.invalidateQueries({ queryKey: keys.members(e.serverId) });
      }),
      socket.on('message:reaction_added', (e) => applyReaction(queryClient, e, 1, userId)),
      socket.on('message:reaction_removed', (e) => applyReaction(queryClient, e, -1, userId)),
      socket.on('read:updated', (e) => readUpdated(queryClient, e)),
      socket.on('message:updated', (m) => replaceMessage(queryClient, m)),
      socket.on('message:deleted', (e) => removeMessage(queryClient, e.channelId, e.id)),
      socket.on('server:removed', (e) => {
        void queryClient.invalidateQueries({ queryKey: keys.myServers });
        // Left, kicked or banned (SPEC 15): the membership, permissions and member list are all stale.
        void queryClient.invalidateQueries({ queryKey: keys.server(e.serverId) });
      }),
    ];
    return () => {
      offs.forEach((off) => off());
      socket.close();
      setValue({ socket: null, state: 'closed' });
    };
  }, [userId, queryClient]);

  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export const useRealtime = () => useContext(RealtimeContext);

/** "Reconnecting…" while the socket is down; nothing when all is well. */
export function ConnectionBanner() {
  const { state } = useRealtime();
  if (state === 'connected' || state === 'closed') return null;
  const text =
    state === 'unauthenticated' ? 'Your session has ended — log in again.' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <div className="banner" role="status">
      {text}
    </div>
  );
}
