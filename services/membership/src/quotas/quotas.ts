import { Types } from 'mongoose';
import { limitReachedError } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import type { MembershipConfig } from '../config.js';
import type { Models } from '../db/models.js';

/** SPEC 3 quotas, from the service config (parsed once in config.ts). */
export interface Quotas {
  serversPerUser: number;
  channelsPerServer: number;
  rolesPerServer: number;
}

export function quotasOf(config: MembershipConfig): Quotas {
  return {
    serversPerUser: config.MAX_SERVERS_PER_USER,
    channelsPerServer: config.MAX_CHANNELS_PER_SERVER,
    rolesPerServer: config.MAX_ROLES_PER_SERVER,
  };
}

/** 403 LIMIT_REACHED with `details.limit` (SPEC 1). */
export function limitReached(limit: number, message: string): AppError {
  const e = limitReachedError(limit, message);
  return new AppError(e.code, e.message, e.details);
}

/** Throws LIMIT_REACHED when `count` already fills `limit` (so the next one would pass it). */
export function assertBelow(count: number, limit: number, message: string): void {
  if (count >= limit) throw limitReached(limit, message);
}

/** Servers `userId` is a member of (owned included): one count on the members' `userId` index. */
export const serversOf = (models: Models, userId: string) => models.Member.countDocuments({ userId: new Types.ObjectId(userId) });

export const channelsOf = (models: Models, serverId: string) => models.Channel.countDocuments({ serverId: new Types.ObjectId(serverId) });

export const tooManyServers = (limit: number) => `You are a member of ${limit} servers, the most allowed; leave one first`;
export const tooManyChannels = (limit: number) => `This server has ${limit} channels, the most allowed`;
export const tooManyRoles = (limit: number) => `This server has ${limit} roles, the most allowed`;

/** Before a user becomes a member of one more server (create or join). */
export async function assertServerSlot(models: Models, quotas: Quotas, userId: string): Promise<void> {
  assertBelow(await serversOf(models, userId), quotas.serversPerUser, tooManyServers(quotas.serversPerUser));
}

/** Before a channel is added to `serverId`. */
export async function assertChannelSlot(models: Models, quotas: Quotas, serverId: string): Promise<void> {
  assertBelow(await channelsOf(models, serverId), quotas.channelsPerServer, tooManyChannels(quotas.channelsPerServer));
}

/** Before a role is added to a server that has `roleCount` roles (for the roles service, issue-roles). */
export function assertRoleSlot(quotas: Quotas, roleCount: number): void {
  assertBelow(roleCount, quotas.rolesPerServer, tooManyRoles(quotas.rolesPerServer));
}
