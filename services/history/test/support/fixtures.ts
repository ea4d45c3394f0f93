import { randomBytes } from 'node:crypto';
import amqplib, { type ConfirmChannel } from 'amqplib';
import jwt from 'jsonwebtoken';
import { createEnvelope, routingKey, type AnyEnvelope, type EventType, type Message, type TopologyNames } from '@chorus/contracts';

export const hexId = (): string => randomBytes(12).toString('hex');

/**
 * Message ids as the gateway fleet makes them: 4 bytes of seconds then an 8-byte sequence, so they
 * strictly increase in the order they are made.
 */
export function idSequence(startSeconds = Math.floor(Date.now() / 1000)): () => string {
  let seq = BigInt(`0x${randomBytes(4).toString('hex')}`) << 16n;
  return () => {
    seq++;
    return startSeconds.toString(16).padStart(8, '0') + seq.toString(16).padStart(16, '0');
  };
}

export function makeMessage(
  id: string,
  channelId: string,
  serverId: string,
  author: { id: string; username: string },
  content = `message ${id}`,
): Message {
  const seconds = parseInt(id.slice(0, 8), 16);
  return {
    id,
    channelId,
    serverId,
    author: { displayName: author.username, avatarUrl: null, ...author },
    content,
    createdAt: new Date(seconds * 1000).toISOString(),
    editedAt: null,
    reactions: [],
  };
}

export const createdEnvelope = (message: Message): AnyEnvelope => createEnvelope('message.created', 1, message, 'gateway') as AnyEnvelope;

/** Signs an access token as membership would (ES256, issuer/audience from the defaults). */
export function mintToken(privateKey: string, user: { id: string; username: string }, overrides: jwt.SignOptions = {}): string {
  return jwt.sign({ name: user.username }, privateKey, {
    algorithm: 'ES256',
    subject: user.id,
    issuer: 'chorus-membership',
    audience: 'chorus',
    expiresIn: 900,
    ...overrides,
  });
}

export interface TestPublisher {
  channel: ConfirmChannel;
  /** Publishes envelopes as a producer would (persistent, confirmed), all at once, then waits for every confirm. */
  publishAll(envelopes: AnyEnvelope[]): Promise<void>;
  /** Publishes raw bytes with a routing key (for invalid envelopes). */
  publishRaw(key: string, body: Buffer | string): Promise<void>;
  close(): Promise<void>;
}

export async function testPublisher(amqpUrl: string, names: TopologyNames): Promise<TestPublisher> {
  const conn = await amqplib.connect(amqpUrl);
  conn.on('error', () => undefined);
  const channel = await conn.createConfirmChannel();
  channel.on('error', () => undefined);
  await channel.assertExchange(names.eventsExchange, 'topic', { durable: true });
  const send = (key: string, body: Buffer) =>
    channel.publish(names.eventsExchange, key, body, { persistent: true, contentType: 'application/json' });
  return {
    channel,
    async publishAll(envelopes) {
      for (const e of envelopes) {
        if (!send(routingKey(e.type as EventType, e.version), Buffer.from(JSON.stringify(e)))) {
          await new Promise((r) => channel.once('drain', r));
        }
      }
      await channel.waitForConfirms();
    },
    async publishRaw(key, body) {
      send(key, Buffer.isBuffer(body) ? body : Buffer.from(body));
      await channel.waitForConfirms();
    },
    close: async () => {
      await channel.close().catch(() => undefined);
      await conn.close().catch(() => undefined);
    },
  };
}

export interface TestUser {
  id: string;
  username: string;
}

/** One user with a fresh id per name, in order: `const [owner, alice] = testUsers('owner', 'alice')`. */
export function testUsers<const T extends readonly string[]>(...usernames: T): { [K in keyof T]: TestUser } {
  return usernames.map((username) => ({ id: hexId(), username })) as { [K in keyof T]: TestUser };
}
