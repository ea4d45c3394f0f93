import { Types } from 'mongoose';
import { AppError } from '@chorus/runtime';
import type { Models } from '../db/models.js';
import { SERVER_PROJECTION, type ServerFields } from './server.dto.js';

export const serverNotFound = () => new AppError('NOT_FOUND', 'Server not found');

/** The server, or NOT_FOUND. */
export async function loadServer(models: Models, serverId: string): Promise<ServerFields> {
  const doc = await models.Server.findById(new Types.ObjectId(serverId), SERVER_PROJECTION).lean();
  if (!doc) throw serverNotFound();
  return doc;
}

/** The server when `userId` owns it: NOT_FOUND for an unknown server, FORBIDDEN for anyone but the owner. */
export async function loadOwnedServer(models: Models, serverId: string, userId: string): Promise<ServerFields> {
  const server = await loadServer(models, serverId);
  if (!server.ownerId.equals(userId)) throw new AppError('FORBIDDEN', 'Only the server owner can do this');
  return server;
}
