import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { AppShell } from './AppShell';
import { channelLoader, serverLoader } from './prefetch';

// One chunk per screen: the login page does not carry the chat, the chat does not carry explore.
const LoginPage = lazy(() => import('../features/auth/LoginPage'));
const ExplorePage = lazy(() => import('../features/servers/ExplorePage'));
const ServerLayout = lazy(() => import('../features/servers/ServerLayout'));
const ServerIndex = lazy(() => import('../features/servers/ServerLayout').then((m) => ({ default: m.ServerIndex })));
const ChannelPage = lazy(() => import('../features/messages/ChannelPage'));
const DmPage = lazy(() => import('../features/dms/DmPage'));
const InvitePage = lazy(() => import('../features/invites/InvitePage'));
const ServerSettings = lazy(() => import('../features/settings/ServerSettings'));

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  // Public: the preview needs no account (SPEC 14); joining sends a signed-out visitor to /login and back.
  { path: '/invite/:code', element: <InvitePage /> },
  {
    path: '/',
    element: <AppShell />,
    children: [
      { index: true, element: <Navigate to="/explore" replace /> },
      { path: 'explore', element: <ExplorePage /> },
      {
        path: 'servers/:serverId',
        element: <ServerLayout />,
        loader: serverLoader,
        children: [
          { index: true, element: <ServerIndex /> },
          { path: 'channels/:channelId', element: <ChannelPage />, loader: channelLoader },
          { path: 'settings', element: <ServerSettings /> },
        ],
      },
      { path: 'dms/:channelId', element: <DmPage /> },
      { path: '*', element: <Navigate to="/explore" replace /> },
    ],
  },
]);
