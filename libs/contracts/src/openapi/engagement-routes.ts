import { MarkReadRequest, ReactionParams, ReadStatesQuery, ReadStatesResponse } from '../engagement.js';
import { ChannelMessagesParams } from '../rest/messages.js';
import { AUTH, V, WRITE, type RouteDoc } from './route-doc.js';

/** History's reaction and read-state routes (SPEC 12, 13), part of ROUTES. */
export const ENGAGEMENT_ROUTES: RouteDoc[] = [
  // Reactions (SPEC 12)
  {
    method: 'put',
    path: '/api/channels/{channelId}/messages/{messageId}/reactions/{emoji}/@me',
    service: 'history',
    tag: 'reactions',
    summary: 'React with one emoji (URL-encoded grapheme, ≤ 32 bytes); idempotent; at most 20 distinct per message',
    auth: 'required',
    params: ReactionParams,
    ok: { 204: null },
    errors: [V, ...AUTH, 'NOT_MEMBER', 'NOT_FOUND', ...WRITE],
  },
  {
    method: 'delete',
    path: '/api/channels/{channelId}/messages/{messageId}/reactions/{emoji}/@me',
    service: 'history',
    tag: 'reactions',
    summary: 'Take one’s reaction back; idempotent',
    auth: 'required',
    params: ReactionParams,
    ok: { 204: null },
    errors: [V, ...AUTH, 'NOT_MEMBER', 'NOT_FOUND', ...WRITE],
  },
  // Read state (SPEC 13)
  {
    method: 'put',
    path: '/api/channels/{channelId}/read',
    service: 'history',
    tag: 'read-state',
    summary: 'Move the caller’s read position forward (an older id is a no-op); relayed as read:updated',
    auth: 'required',
    params: ChannelMessagesParams,
    body: MarkReadRequest,
    ok: { 204: null },
    errors: [V, ...AUTH, 'NOT_MEMBER', 'NOT_FOUND', ...WRITE],
  },
  {
    method: 'get',
    path: '/api/users/@me/read-states',
    service: 'history',
    tag: 'read-state',
    summary: 'Read positions and unread/mention counts (capped at 100) of a server’s channels, or of the caller’s DMs',
    auth: 'required',
    query: ReadStatesQuery,
    ok: { 200: ReadStatesResponse },
    errors: [V, ...AUTH, 'NOT_MEMBER', 'NOT_FOUND', 'UNAVAILABLE'],
  },
];
