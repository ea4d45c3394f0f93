import type { LoaderFunctionArgs } from 'react-router';
import { chorus } from '../lib/chorus';
import { queryClient } from '../lib/query-client';
import { channelMessagesQuery } from '../features/messages/api';
import { isMemberQuery, serverQuery } from '../features/servers/api';

/**
 * Route loaders that only start work, never wait for it: on navigation (or a reload) the server, the
 * membership check, the channel's history and the screens' chunks are all requested at once, instead
 * of each after the component that needs it has loaded and rendered (a waterfall of four round trips).
 * The components read the same queries, so nothing is fetched twice.
 */
export function serverLoader({ params }: LoaderFunctionArgs): null {
  void import('../features/servers/ServerLayout');
  if (chorus.session && params.serverId) {
    void queryClient.prefetchQuery(serverQuery(params.serverId));
    void queryClient.prefetchQuery(isMemberQuery(params.serverId));
  }
  return null;
}

export function channelLoader({ params }: LoaderFunctionArgs): null {
  void import('../features/messages/ChannelPage');
  if (chorus.session && params.channelId) void queryClient.prefetchInfiniteQuery(channelMessagesQuery(params.channelId));
  return null;
}
