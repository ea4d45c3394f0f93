import { randomUUID } from 'node:crypto';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { z } from 'zod';
import { AUTHZ_REQUEST_TTL_MS, AuthzResponse, type TopologyNames } from '@chorus/contracts';
import type { Logger } from './logger.js';
import { AppError } from './http/app-error.js';
import { parseJson } from './json.js';

const REPLY_QUEUE = 'amq.rabbitmq.reply-to';

interface Pending {
  schema: z.ZodType;
  resolve: (r: never) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface AuthzRpc {
  /** One question to membership, uncached. Rejects AppError UNAVAILABLE when it cannot be asked or is not answered in time. */
  ask(userId: string, channelId: string): Promise<AuthzResponse>;
  /** Any other kind of question (a `kind` request of broker/rpc.ts), its reply parsed with `schema`. */
  request<S extends z.ZodType>(body: object, schema: S): Promise<z.infer<S>>;
  /** Rejects what is still waiting and closes the channel. */
  close(): Promise<void>;
}

/** The wire side of the authorization RPC (contracts: broker/rpc.ts): RabbitMQ direct reply-to, replies matched by correlation id. */
export function createAuthzRpc(options: {
  connection: AmqpConnectionManager;
  names: TopologyNames;
  logger: Logger;
  timeoutMs: number;
}): AuthzRpc {
  const { connection, names, logger, timeoutMs } = options;
  const pending = new Map<string, Pending>();

  const onReply = (msg: ConsumeMessage | null) => {
    if (!msg) return;
    const id = msg.properties.correlationId as string | undefined;
    const waiter = id ? pending.get(id) : undefined;
    if (!waiter || !id) return;
    pending.delete(id);
    clearTimeout(waiter.timer);
    const parsed = waiter.schema.safeParse(parseJson(msg.content));
    if (parsed.success) waiter.resolve(parsed.data as never);
    else {
      logger.error({ issues: parsed.error.issues }, 'invalid authorization reply');
      waiter.reject(new AppError('UNAVAILABLE', 'Authorization service gave an invalid answer'));
    }
  };

  const channel: ChannelWrapper = connection.createChannel({
    name: 'authz-client',
    confirm: false,
    setup: async (ch: ConfirmChannel) => {
      await ch.consume(REPLY_QUEUE, onReply, { noAck: true });
    },
  });
  channel.on('error', (err) => logger.warn({ err }, 'authz client channel error'));

  const request = <S extends z.ZodType>(body: object, schema: S): Promise<z.infer<S>> =>
    new Promise<z.infer<S>>((resolve, reject) => {
      if (!connection.isConnected()) return reject(new AppError('UNAVAILABLE', 'Authorization service is unavailable'));
      const correlationId = randomUUID();
      const timer = setTimeout(() => {
        pending.delete(correlationId);
        reject(new AppError('UNAVAILABLE', 'Authorization service did not answer in time'));
      }, timeoutMs);
      pending.set(correlationId, { schema, resolve, reject, timer });
      channel
        .sendToQueue(names.authzQueue, Buffer.from(JSON.stringify(body)), {
          correlationId,
          replyTo: REPLY_QUEUE,
          contentType: 'application/json',
          expiration: String(Math.min(timeoutMs, AUTHZ_REQUEST_TTL_MS)),
          persistent: false,
        })
        .catch((err: Error) => {
          if (!pending.delete(correlationId)) return;
          clearTimeout(timer);
          logger.warn({ err }, 'authorization request not sent');
          reject(new AppError('UNAVAILABLE', 'Authorization service is unavailable'));
        });
    });

  return {
    ask: (userId, channelId) => request({ userId, channelId }, AuthzResponse),
    request,
    async close() {
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.reject(new AppError('UNAVAILABLE', 'Shutting down'));
        pending.delete(id);
      }
      await channel.close();
    },
  };
}
