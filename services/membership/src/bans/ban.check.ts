import { Types } from 'mongoose';
import { AppError } from '@chorus/runtime';
import type { Models } from '../db/models.js';

export const bannedError = () => new AppError('FORBIDDEN', 'You are banned from this server');

export async function isBanned(models: Models, serverId: string, userId: string): Promise<boolean> {
  const ban = await models.Ban.collection.findOne(
    { serverId: new Types.ObjectId(serverId), userId: new Types.ObjectId(userId) },
    { projection: { _id: 1 } },
  );
  return ban !== null;
}

/**
 * Refuses a banned user (403 FORBIDDEN). The one shared join path (MemberService.join, which every way
 * in — `PUT …/members/@me`, invite redemption — goes through) calls it before inserting the membership
 * and again after: a ban inserts the ban first and deletes the membership second, so a join racing a
 * ban either sees the ban or has its membership deleted by it.
 */
export async function assertNotBanned(models: Models, serverId: string, userId: string): Promise<void> {
  if (await isBanned(models, serverId, userId)) throw bannedError();
}
