import { randomBytes } from 'node:crypto';
import amqplib, { type Channel, type ChannelModel } from 'amqplib';
import jwt from 'jsonwebtoken';
import {
  ALL_PERMISSIONS,
  AuthzRequest,
  DEFAULT_EVERYONE_PERMISSIONS,
  DM_PERMISSIONS,
  createEnvelope,
  declareAuthzQueue,
  declareExchanges,
  encodeEnvelope,
  routingKey,
  topologyNames,
  type AnyEnvelope,
  type AuthzResponse,
  type EventPayload,
  type EventType,
  type EventVersion,
  type Permission,
} from '@chorus/contracts';
import type { Isolated } from '../../../../test/support/isolated.js';

export const newId = (): string => randomBytes(12).toString('hex');

export interface TestUser {
  id: string;
  username: string;
}

export function newUser(name = 'user'): TestUser {
  return { id: newId(), username: `${name}_${randomBytes(3).toString('hex')}` };
}

/** An access token as membership would sign it (ES256, issuer, audience, 15 min). */
export function signToken(
  iso: Isolated,
  user: TestUser,
  opts: { expiresIn?: number; issuer?: string; audience?: string; key?: string } = {},
): string {
  return jwt.sign({ name: user.username }, opts.key ?? iso.keys.privateKey, {
    algorithm: 'ES256',
    subject: user.id,
    issuer: opts.issuer ?? 'chorus-membership',
    audience: opts.audience ?? 'chorus',
    expiresIn: opts.expiresIn ?? 900,
  });
}

/**
 * A STAND-IN for the membership service's authorization RPC, for focused gateway tests: it consumes the
 * real authz queue on the real broker and answers from an in-memory directory, exactly as the contract in
 * libs/contracts/src/broker/rpc.ts says membership does. The fleet test uses the real membership service.
 */
export class Directory {
  readonly channels = new Map<string, { serverId: string; name: string }>();
  readonly members = new Set<string>();
  readonly owners = new Map<string, string>();
  readonly names = new Map<string, string>();
  readonly dms = new Map<string, [string, string]>();
  /** A member's effective permissions in one channel (`<channelId>:<userId>`, SPEC 15); default `@everyone`'s, the owner all. */
  readonly permissions = new Map<string, Permission[]>();

  /** What membership would answer for the user's permissions in the channel. */
  setPermissions(channelId: string, user: TestUser, permissions: Permission[]): void {
    this.permissions.set(`${channelId}:${user.id}`, permissions);
  }

  /** A DM channel between two users (SPEC 10): only they are allowed; `serverId` null. */
  addDm(a: TestUser, b: TestUser): string {
    const id = newId();
    this.dms.set(id, [a.id, b.id]);
    return id;
  }

  addServer(owner: TestUser, channelNames: string[] = ['general']): { serverId: string; channelIds: string[] } {
    const serverId = newId();
    this.names.set(owner.id, owner.username);
    this.owners.set(serverId, owner.id);
    this.members.add(`${serverId}:${owner.id}`);
    const channelIds = channelNames.map((name) => {
      const id = newId();
      this.channels.set(id, { serverId, name });
      return id;
    });
    return { serverId, channelIds };
  }
  join(serverId: string, user: TestUser): void {
    this.names.set(user.id, user.username);
    this.members.add(`${serverId}:${user.id}`);
  }
  leave(serverId: string, user: TestUser): void {
    this.members.delete(`${serverId}:${user.id}`);
  }
  /** Who a user is (asked once per connection): display name = username when known, their servers. */
  user(userId: string): AuthzResponse {
    const serverIds = [...this.members].filter((key) => key.endsWith(`:${userId}`)).map((key) => key.split(':')[0]!);
    return { status: 'user', profile: { displayName: this.names.get(userId) ?? 'someone', avatarUrl: null }, serverIds };
  }
  answer(userId: string, channelId: string): AuthzResponse {
    const recipientIds = this.dms.get(channelId);
    if (recipientIds) {
      const ref = { id: channelId, serverId: null, name: 'dm', recipientIds };
      return recipientIds.includes(userId)
        ? { status: 'allowed', channel: ref, role: 'member', permissions: [...DM_PERMISSIONS] }
        : { status: 'not_member', channel: ref };
    }
    const channel = this.channels.get(channelId);
    if (!channel) return { status: 'not_found' };
    const ref = { id: channelId, serverId: channel.serverId, name: channel.name };
    if (!this.members.has(`${channel.serverId}:${userId}`)) return { status: 'not_member', channel: ref };
    if (this.owners.get(channel.serverId) === userId)
      return { status: 'allowed', channel: ref, role: 'owner', permissions: [...ALL_PERMISSIONS] };
    const permissions = this.permissions.get(`${channelId}:${userId}`) ?? [...DEFAULT_EVERYONE_PERMISSIONS];
    return { status: 'allowed', channel: ref, role: 'member', permissions };
  }
}

export interface AuthzStandIn {
  directory: Directory;
  /** How many questions it answered (to show caching). */
  readonly asked: number;
  /** Every request as it arrived (body and AMQP properties), for contract checks. */
  readonly requests: Array<{ body: unknown; properties: Record<string, unknown> }>;
  /** Holds every answer until `release()` (keeps sends in flight for shutdown tests). */
  hold(): void;
  release(): void;
  readonly held: number;
  stop(): Promise<void>;
}

export async function startAuthzStandIn(iso: Isolated, directory = new Directory()): Promise<AuthzStandIn> {
  const names = topologyNames(iso.amqpPrefix);
  const conn: ChannelModel = await amqplib.connect(iso.amqpUrl);
  const ch: Channel = await conn.createChannel();
  await declareAuthzQueue(ch, names);
  let asked = 0;
  const requests: Array<{ body: unknown; properties: Record<string, unknown> }> = [];
  let holding = false;
  let held: Array<() => void> = [];
  await ch.consume(names.authzQueue, (msg) => {
    if (!msg) return;
    asked++;
    let body: unknown;
    try {
      body = JSON.parse(msg.content.toString('utf8'));
    } catch {
      body = undefined;
    }
    requests.push({ body, properties: { ...msg.properties } });
    const req = AuthzRequest.safeParse(body);
    const answer: AuthzResponse = !req.success
      ? { status: 'invalid', message: 'bad request' }
      : 'scope' in req.data
        ? directory.user(req.data.userId)
        : directory.answer(req.data.userId, req.data.channelId);
    const reply = () => {
      if (msg.properties.replyTo) {
        ch.sendToQueue(msg.properties.replyTo as string, Buffer.from(JSON.stringify(answer)), {
          correlationId: msg.properties.correlationId as string,
          contentType: 'application/json',
        });
      }
      ch.ack(msg);
    };
    if (holding) held.push(reply);
    else reply();
  });
  return {
    directory,
    get asked() {
      return asked;
    },
    requests,
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      const waiting = held;
      held = [];
      for (const reply of waiting) reply();
    },
    get held() {
      return held.length;
    },
    async stop() {
      await conn.close().catch(() => undefined);
    },
  };
}

/** Publishes events on the real events exchange, as membership and history do. */
export interface EventInjector {
  publish<T extends EventType, V extends EventVersion<T>>(
    type: T,
    version: V,
    payload: EventPayload<T, V>,
    producer: 'membership' | 'history',
  ): Promise<void>;
  publishRaw(routing: string, body: Buffer): Promise<void>;
  channel: Channel;
  close(): Promise<void>;
}

export async function startEventInjector(iso: Isolated): Promise<EventInjector> {
  const names = topologyNames(iso.amqpPrefix);
  const conn = await amqplib.connect(iso.amqpUrl);
  const ch = await conn.createConfirmChannel();
  await declareExchanges(ch, names);
  const send = (routing: string, body: Buffer) =>
    new Promise<void>((resolve, reject) => {
      ch.publish(names.eventsExchange, routing, body, { persistent: true, contentType: 'application/json' }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  return {
    channel: ch,
    publish: (type, version, payload, producer) =>
      send(routingKey(type, version), encodeEnvelope(createEnvelope(type, version, payload, producer) as unknown as AnyEnvelope)),
    publishRaw: send,
    close: async () => {
      await conn.close().catch(() => undefined);
    },
  };
}
