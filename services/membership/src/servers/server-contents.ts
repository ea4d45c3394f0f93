import type { Types } from 'mongoose';
import type { Models } from '../db/models.js';

/** Deletes everything that hangs off a server (its document already gone): channels, memberships, invites, roles, overrides, bans. */
export async function deleteServerContents(models: Models, serverId: Types.ObjectId) {
  const [channels, members] = await Promise.all([
    models.Channel.deleteMany({ serverId }),
    models.Member.deleteMany({ serverId }),
    models.Invite.deleteMany({ serverId }),
    models.Role.deleteMany({ serverId }),
    models.Override.deleteMany({ serverId }),
    models.Ban.deleteMany({ serverId }),
  ]);
  return { channels: channels.deletedCount, members: members.deletedCount };
}
