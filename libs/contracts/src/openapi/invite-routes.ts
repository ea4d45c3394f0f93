import {
  CreateInviteRequest,
  Invite,
  InviteCodeParams,
  InvitePreview,
  ListInvitesResponse,
  RedeemInviteResponse,
} from '../rest/invites.js';
import { ServerIdParams } from '../rest/servers.js';
import { AUTH, V, WRITE, type RouteDoc } from './route-doc.js';

/** SPEC 14: invites (all membership). */
export const INVITE_ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/servers/{serverId}/invites',
    service: 'membership',
    tag: 'invites',
    summary: 'Create an invite (CREATE_INVITES): maxUses 1..1000 (default unlimited), expiresInSeconds 60..2592000 (default 7 days)',
    auth: 'required',
    params: ServerIdParams,
    body: CreateInviteRequest,
    ok: { 201: Invite },
    errors: [V, ...AUTH, 'FORBIDDEN', 'NOT_MEMBER', 'NOT_FOUND', ...WRITE],
  },
  {
    method: 'get',
    path: '/api/servers/{serverId}/invites',
    service: 'membership',
    tag: 'invites',
    summary: 'The server’s live invites, newest first (MANAGE_SERVER)',
    auth: 'required',
    params: ServerIdParams,
    ok: { 200: ListInvitesResponse },
    errors: [V, ...AUTH, 'FORBIDDEN', 'NOT_MEMBER', 'NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/api/invites/{code}',
    service: 'membership',
    tag: 'invites',
    summary: 'Preview an invite (public); unknown, expired, revoked or used up → NOT_FOUND',
    auth: 'none',
    params: InviteCodeParams,
    ok: { 200: InvitePreview },
    errors: [V, 'NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/api/invites/{code}',
    service: 'membership',
    tag: 'invites',
    summary:
      'Redeem an invite: join its server (public or private); already a member → ALREADY_MEMBER (no use counted); banned → FORBIDDEN',
    auth: 'required',
    params: InviteCodeParams,
    ok: { 201: RedeemInviteResponse },
    errors: [V, ...AUTH, 'FORBIDDEN', 'NOT_FOUND', 'ALREADY_MEMBER', 'LIMIT_REACHED', ...WRITE],
  },
  {
    method: 'delete',
    path: '/api/invites/{code}',
    service: 'membership',
    tag: 'invites',
    summary: 'Revoke an invite (its creator, or MANAGE_SERVER)',
    auth: 'required',
    params: InviteCodeParams,
    ok: { 204: null },
    errors: [V, ...AUTH, 'FORBIDDEN', 'NOT_FOUND', ...WRITE],
  },
];
