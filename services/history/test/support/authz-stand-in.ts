import amqplib from 'amqplib';
import {
  ALL_PERMISSIONS,
  AuthzChannelRequest,
  DEFAULT_EVERYONE_PERMISSIONS,
  ChannelListRequest,
  declareAuthzQueue,
  type AuthzResponse,
  type ChannelListResponse,
  type Permission,
  type TopologyNames,
} from '@chorus/contracts';

export interface StandInChannel {
  serverId: string;
  name?: string;
  ownerId: string;
  members: string[];
  /** A member's effective permissions in the channel (SPEC 15); default `@everyone`'s. The owner has every one. */
  permissions?: Record<string, Permission[]>;
}

export interface AuthzStandIn {
  /** Declares (or replaces) a channel and who may read it. */
  setChannel(channelId: string, channel: StandInChannel): void;
  removeChannel(channelId: string): void;
  /** Stop answering (to test timeouts → 503); `resume()` answers again. */
  pause(): void;
  resume(): void;
  requests(): number;
  close(): Promise<void>;
}

/**
 * A TEST-ONLY STAND-IN FOR THE MEMBERSHIP PROCESS, not a mock: it consumes the real authorization RPC
 * queue (`names.authzQueue`) on the real RabbitMQ and answers with the contract's AuthzResponse, from a
 * table the test controls, exactly as membership does over direct reply-to. History's own authz client,
 * broker connection and MongoDB are the real ones.
 */
export async function startAuthzStandIn(amqpUrl: string, names: TopologyNames): Promise<AuthzStandIn> {
  const channels = new Map<string, StandInChannel>();
  let paused = false;
  let count = 0;
  const conn = await amqplib.connect(amqpUrl);
  conn.on('error', () => undefined);
  const ch = await conn.createChannel();
  ch.on('error', () => undefined);
  await declareAuthzQueue(ch, names);

  /** `server-channels`: the server's channels (in the order they were set) for its owner or members. */
  const list = (req: ChannelListRequest): ChannelListResponse => {
    if (req.kind === 'dm-channels') return { status: 'allowed', serverId: null, channels: [] };
    const mine = [...channels].filter(([, c]) => c.serverId === req.serverId);
    if (mine.length === 0) return { status: 'not_found' };
    const [, first] = mine[0]!;
    if (first.ownerId !== req.userId && !first.members.includes(req.userId)) return { status: 'not_member' };
    return { status: 'allowed', serverId: req.serverId, channels: mine.map(([id, c]) => ({ id, name: c.name ?? 'general' })) };
  };

  const answer = (raw: unknown): AuthzResponse | ChannelListResponse => {
    if (typeof raw === 'object' && raw !== null && 'kind' in raw) {
      const req = ChannelListRequest.safeParse(raw);
      return req.success ? list(req.data) : { status: 'invalid', message: req.error.message };
    }
    const req = AuthzChannelRequest.safeParse(raw);
    if (!req.success) return { status: 'invalid', message: req.error.message };
    const channel = channels.get(req.data.channelId);
    if (!channel) return { status: 'not_found' };
    const ref = { id: req.data.channelId, serverId: channel.serverId, name: channel.name ?? 'general' };
    const { userId } = req.data;
    if (userId === channel.ownerId) return { status: 'allowed', channel: ref, role: 'owner', permissions: [...ALL_PERMISSIONS] };
    const permissions = channel.permissions?.[userId] ?? [...DEFAULT_EVERYONE_PERMISSIONS];
    if (channel.members.includes(userId)) return { status: 'allowed', channel: ref, role: 'member', permissions };
    return { status: 'not_member', channel: ref };
  };

  await ch.consume(
    names.authzQueue,
    (msg) => {
      if (!msg) return;
      ch.ack(msg);
      if (paused) return;
      count++;
      let body: unknown;
      try {
        body = JSON.parse(msg.content.toString('utf8'));
      } catch {
        body = undefined;
      }
      const { replyTo, correlationId } = msg.properties;
      if (typeof replyTo !== 'string') return;
      ch.sendToQueue(replyTo, Buffer.from(JSON.stringify(answer(body))), { correlationId, contentType: 'application/json' });
    },
    { noAck: false },
  );

  return {
    setChannel: (id, channel) => void channels.set(id, channel),
    removeChannel: (id) => void channels.delete(id),
    pause: () => void (paused = true),
    resume: () => void (paused = false),
    requests: () => count,
    close: async () => {
      await ch.close().catch(() => undefined);
      await conn.close().catch(() => undefined);
    },
  };
}
