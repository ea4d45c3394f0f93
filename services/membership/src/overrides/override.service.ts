import { Types } from 'mongoose';
import type { AuthenticatedUser, ChannelOverride, PutOverrideRequest } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import { isDuplicateKey, type Models } from '../db/models.js';
import { membershipEvent, type MembershipEvents } from '../events/membership-events.js';
import type { PermissionChecker } from '../permissions/permission-checker.js';
import { loadOverrides } from '../permissions/permission-data.js';
import { assertBelow, assertCanGrant } from '../permissions/hierarchy.js';

export interface OverrideService {
  list(serverId: string, channelId: string, user: AuthenticatedUser): Promise<ChannelOverride[]>;
  /** Sets the role's override in the channel; both lists empty removes it. */
  put(
    serverId: string,
    channelId: string,
    roleId: string,
    user: AuthenticatedUser,
    body: PutOverrideRequest,
    correlationId?: string,
  ): Promise<ChannelOverride>;
}

/**
 * Channel overrides (SPEC 15): MANAGE_CHANNELS; the role must be `@everyone` or below the caller's
 * highest role, and `allow` may only hold permissions the caller has. Announced as `override.changed`
 * (gateways drop the channel's cached answers). Deleting a channel or a role deletes its overrides.
 */
export function createOverrideService(deps: { models: Models; events: MembershipEvents; permissions: PermissionChecker }): OverrideService {
  const { models, events, permissions } = deps;

  const channelOf = async (serverId: string, channelId: string) => {
    const found = await models.Channel.exists({ _id: new Types.ObjectId(channelId), serverId: new Types.ObjectId(serverId) });
    if (!found) throw new AppError('NOT_FOUND', 'Channel not found');
  };

  return {
    async list(serverId, channelId, user) {
      await permissions.requirePermission(serverId, user.id, 'MANAGE_CHANNELS');
      await channelOf(serverId, channelId);
      return (await loadOverrides(models, channelId)).map((o) => ({ channelId, roleId: o.roleId, allow: [...o.allow], deny: [...o.deny] }));
    },

    async put(serverId, channelId, roleId, user, body, correlationId) {
      const actor = await permissions.requirePermission(serverId, user.id, 'MANAGE_CHANNELS');
      await channelOf(serverId, channelId);
      const role = actor.view.roles.find((r) => r.id === roleId);
      if (!role) throw new AppError('NOT_FOUND', 'Role not found');
      if (roleId !== serverId) assertBelow(actor, role.position, role.name);
      assertCanGrant(actor, body.allow);
      const { allow, deny } = body;
      const event = membershipEvent.overrideChanged(serverId, channelId, roleId, allow, deny, correlationId);
      const filter = { channelId: new Types.ObjectId(channelId), roleId: new Types.ObjectId(roleId) };
      await events.record(event, async () => {
        if (allow.length === 0 && deny.length === 0) {
          await models.Override.deleteOne(filter);
          return;
        }
        const update = { $set: { allow, deny }, $setOnInsert: { serverId: new Types.ObjectId(serverId) } };
        try {
          await models.Override.updateOne(filter, update, { upsert: true });
        } catch (err) {
          // Two PUTs racing to create the same override: the unique index lets one insert; the other updates.
          if (!isDuplicateKey(err)) throw err;
          await models.Override.updateOne(filter, { $set: { allow, deny } });
        }
      });
      return { channelId, roleId, allow, deny };
    },
  };
}
