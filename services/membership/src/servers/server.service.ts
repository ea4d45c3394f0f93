import { Types } from 'mongoose';
import type {
  AuthenticatedUser,
  CreateServerRequest,
  ExploreServersQuery,
  ServerDetail,
  ServerSummary,
  UpdateServerRequest,
} from '@chorus/contracts';
import { AppError, type Logger } from '@chorus/runtime';
import type { Models } from '../db/models.js';
import type { ServerDoc } from './server.schema.js';
import { assertServerSlot, type Quotas } from '../quotas/quotas.js';
import type { CategoryRepository } from '../categories/category.repository.js';
import { membershipEvent, type MembershipEvents } from '../events/membership-events.js';
import type { ChannelCache } from '../authz/channel-cache.js';
import { CHANNEL_PROJECTION, SERVER_PROJECTION, escapeRegex, toServerDetail, toServerSummary } from './server.dto.js';
import { loadOwnedServer, loadServer, serverNotFound } from './server.access.js';
import { createPermissionChecker } from '../permissions/permission-checker.js';
import { deleteServerContents } from './server-contents.js';

export interface ServerService {
  create(owner: AuthenticatedUser, input: CreateServerRequest, correlationId?: string): Promise<ServerDetail>;
  explore(query: ExploreServersQuery, viewer: AuthenticatedUser | undefined): Promise<ServerSummary[]>;
  /** A private server is shown to its members only (anyone else: NOT_FOUND, its existence is not revealed). */
  get(serverId: string, viewer: AuthenticatedUser | undefined): Promise<ServerDetail>;
  update(serverId: string, user: AuthenticatedUser, patch: UpdateServerRequest): Promise<ServerDetail>;
  remove(serverId: string, user: AuthenticatedUser, correlationId?: string): Promise<void>;
}

/** The most servers `member=@me` looks at (a user's own servers; Discord caps membership at 200). */
const MAX_OWN_SERVERS = 1_000;

interface ServerServiceDeps {
  models: Models;
  categories: CategoryRepository;
  events: MembershipEvents;
  channelCache: ChannelCache;
  logger: Logger;
  quotas: Quotas;
}

export function createServerService(deps: ServerServiceDeps): ServerService {
  const { models, categories, events, channelCache, logger, quotas } = deps;
  const permissions = createPermissionChecker(models);

  const channelsOf = (serverId: Types.ObjectId) => models.Channel.find({ serverId }, CHANNEL_PROJECTION).sort({ _id: 1 }).lean();

  return {
    /**
     * No transactions: server, `general` channel and owner membership are three inserts. If a later one
     * fails, the earlier ones are removed again (best effort) and the request fails. The id is chosen
     * up front so the owner's member.joined can be recorded before anything is written.
     */
    async create(owner, input, correlationId) {
      await assertServerSlot(models, quotas, owner.id);
      const category = input.category ? await categories.resolve(input.category) : null;
      const ownerId = new Types.ObjectId(owner.id);
      const serverId = new Types.ObjectId();
      const now = new Date();
      const doc = { _id: serverId, name: input.name, description: input.description ?? '', category, ownerId, createdAt: now };
      const server = await events.record(membershipEvent.memberJoined(serverId.toHexString(), owner.id, correlationId), () =>
        insertServer(models, { ...doc, visibility: input.visibility ?? 'public' }, owner.username),
      );
      return toServerDetail(server, await channelsOf(serverId));
    },

    async explore(query, viewer) {
      const filter = await exploreFilter(models, query, viewer);
      if (!filter) return [];
      const docs = await models.Server.find(filter, SERVER_PROJECTION).sort({ _id: -1 }).limit(query.limit).lean();
      return docs.map(toServerSummary);
    },

    async get(serverId, viewer) {
      const server = await loadServer(models, serverId);
      if (server.visibility === 'private' && !(viewer && (await isMemberOf(models, server._id, viewer.id)))) throw serverNotFound();
      return toServerDetail(server, await channelsOf(server._id));
    },

    /** MANAGE_SERVER (SPEC 15); deleting stays the owner's. */
    async update(serverId, user, patch) {
      await permissions.requirePermission(serverId, user.id, 'MANAGE_SERVER');
      const set: Record<string, unknown> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.visibility !== undefined) set.visibility = patch.visibility;
      if (patch.category !== undefined) set.category = patch.category === null ? null : await categories.resolve(patch.category);
      const updated = await models.Server.findOneAndUpdate(
        { _id: new Types.ObjectId(serverId) },
        { $set: set },
        {
          returnDocument: 'after',
          projection: SERVER_PROJECTION,
        },
      ).lean();
      if (!updated) throw serverNotFound();
      return toServerDetail(updated, await channelsOf(updated._id));
    },

    /**
     * server.deleted names every channel and member so gateways can clean up, so they are read first
     * and the event recorded; then the server document goes (joins re-check it and back out), then its
     * channels and memberships. A crash half way is finished by the outbox relay (change-verifier.ts).
     * Someone joining between the read and the delete is not named, but their sockets are found
     * through the channels, and their membership is deleted with the rest.
     */
    async remove(serverId, user, correlationId) {
      await loadOwnedServer(models, serverId, user.id);
      const id = new Types.ObjectId(serverId);
      const [channels, members] = await Promise.all([
        models.Channel.find({ serverId: id }, { _id: 1 }).lean(),
        models.Member.find({ serverId: id }, { userId: 1 }).lean(),
      ]);
      const event = membershipEvent.serverDeleted(
        serverId,
        channels.map((c) => c._id.toHexString()),
        members.map((m) => m.userId.toHexString()),
        correlationId,
      );
      await events.record(event, async () => {
        const gone = await models.Server.deleteOne({ _id: id, ownerId: new Types.ObjectId(user.id) });
        if (gone.deletedCount !== 1) throw serverNotFound();
        channelCache.forgetServer(serverId);
        await deleteServerContents(models, id);
        channelCache.forgetServer(serverId);
      });
      logger.info({ serverId, channels: channels.length, members: members.length }, 'server deleted');
    },
  };
}

const isMemberOf = async (models: Models, serverId: Types.ObjectId, userId: string) =>
  (await models.Member.exists({ serverId, userId: new Types.ObjectId(userId) })) !== null;

/** The `explore` query's filter; `undefined` when the named category does not exist (nothing matches). */
async function exploreFilter(
  models: Models,
  query: ExploreServersQuery,
  viewer: AuthenticatedUser | undefined,
): Promise<Record<string, unknown> | undefined> {
  const filter: Record<string, unknown> = {};
  if (query.category) {
    const found = await models.Category.findOne({ nameLower: query.category.toLowerCase() }, { name: 1 }).lean();
    if (!found) return undefined;
    filter.category = found.name;
  }
  if (query.q) filter.name = { $regex: escapeRegex(query.q), $options: 'i' };
  if (query.member === '@me') {
    if (!viewer) throw new AppError('UNAUTHENTICATED', 'member=@me needs Authorization: Bearer <accessToken>');
    const mine = await models.Member.find({ userId: new Types.ObjectId(viewer.id) }, { serverId: 1 })
      .sort({ _id: -1 })
      .limit(MAX_OWN_SERVERS)
      .lean();
    filter._id = { $in: mine.map((m) => m.serverId) };
  } else {
    // SPEC 14: private servers are listed only among the caller's own. `$ne` also matches servers from before visibility.
    filter.visibility = { $ne: 'private' };
  }
  return filter;
}

/** Server, its `general` channel and the owner's membership: three inserts, the earlier undone (best effort) if a later one fails. */
async function insertServer(models: Models, server: Omit<ServerDoc, 'memberCount'>, ownerName: string) {
  const { _id: serverId, ownerId, createdAt: now } = server;
  const [created] = await models.Server.create([{ ...server, memberCount: 1 }]);
  if (!created) throw new Error('server not created');
  try {
    await models.Channel.create([{ serverId, name: 'general', topic: '', createdAt: now }]);
    await models.Member.create([{ serverId, userId: ownerId, username: ownerName, joinedAt: now }]);
  } catch (err) {
    await Promise.allSettled([
      models.Server.deleteOne({ _id: serverId }),
      models.Channel.deleteMany({ serverId }),
      models.Member.deleteMany({ serverId }),
    ]);
    throw err;
  }
  return created;
}
