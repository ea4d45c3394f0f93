import { Types } from 'mongoose';
import type { Models } from '../db/models.js';

/** Deletes a membership and moves memberCount with it; true when there was one. */
export async function removeMembership(models: Models, serverId: string, userId: string): Promise<boolean> {
  const sid = new Types.ObjectId(serverId);
  const gone = await models.Member.deleteOne({ serverId: sid, userId: new Types.ObjectId(userId) });
  if (gone.deletedCount !== 1) return false;
  await models.Server.updateOne({ _id: sid }, { $inc: { memberCount: -1 } });
  return true;
}
