import { DmChannel, DmListResponse, OpenDmRequest } from '../rest/dms.js';
import { UpdateProfileRequest, UserIdParams, UserProfile, UserSearchQuery, UserSearchResponse } from '../rest/users.js';
import { AUTH, V, WRITE, type RouteDoc } from './route-doc.js';

/** SPEC 10: profiles, the people search and direct messages (all membership). */
export const PEOPLE_ROUTES: RouteDoc[] = [
  {
    method: 'patch',
    path: '/api/users/@me',
    service: 'membership',
    tag: 'users',
    summary: 'Edit the caller’s profile (displayName, https avatarUrl or null, bio); announced as user.updated',
    auth: 'required',
    body: UpdateProfileRequest,
    ok: { 200: UserProfile },
    errors: [V, ...AUTH, ...WRITE],
  },
  {
    method: 'get',
    path: '/api/users',
    service: 'membership',
    tag: 'users',
    summary: 'People search: case-insensitive prefix of username or displayName (rate limited per user)',
    auth: 'required',
    query: UserSearchQuery,
    ok: { 200: UserSearchResponse },
    errors: [V, ...AUTH, ...WRITE],
  },
  {
    method: 'get',
    path: '/api/users/{userId}',
    service: 'membership',
    tag: 'users',
    summary: 'A user’s public profile',
    auth: 'required',
    params: UserIdParams,
    ok: { 200: UserProfile },
    errors: [V, ...AUTH, 'NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/api/dms',
    service: 'membership',
    tag: 'dms',
    summary: 'Open the DM with a user: 201 new, 200 when it exists (one per pair); self → 400, unknown → 404',
    auth: 'required',
    body: OpenDmRequest,
    ok: { 201: DmChannel, 200: DmChannel },
    errors: [V, ...AUTH, 'NOT_FOUND', ...WRITE],
  },
  {
    method: 'get',
    path: '/api/dms',
    service: 'membership',
    tag: 'dms',
    summary: 'The caller’s DM channels, most recent message first',
    auth: 'required',
    ok: { 200: DmListResponse },
    errors: [...AUTH],
  },
];
