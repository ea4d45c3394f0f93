import { declareAuthzQueue, type AuthzResponse, type TopologyNames } from '@chorus/contracts';
import type { AmqpConnectionManager, ChannelWrapper, ConfirmChannel, ConsumeMessage, Logger, Metrics } from '@chorus/runtime';
import type { Authorizer } from './authorizer.js';

export interface AuthzResponder {
  /** Resolves once the queue is declared and consumed (requests sent after this are answered). */
  ready: Promise<void>;
  /** Stops taking requests and waits for the ones being answered. */
  stop(): Promise<void>;
  /** Requests answered since start (for logs and tests). */
  readonly answered: number;
}

const decode = (msg: ConsumeMessage): unknown => {
  try {
    return JSON.parse(msg.content.toString('utf8'));
  } catch {
    return undefined;
  }
};

/**
 * The membership side of the authorization RPC (contracts: broker/rpc.ts). Consumes the authz queue
 * with a bounded prefetch, replies to `replyTo` with the request's `correlationId`, and always acks:
 * a request is never requeued (the caller times out and retries if it must). Requests that are not
 * valid JSON / AuthzRequest get `{status:'invalid'}`; when MongoDB fails there is no answer (the
 * caller maps its timeout to UNAVAILABLE).
 */
export function startAuthzResponder(deps: {
  connection: AmqpConnectionManager;
  names: TopologyNames;
  authorize: Authorizer;
  logger: Logger;
  prefetch: number;
  metrics?: Metrics;
}): AuthzResponder {
  const { connection, names, authorize, logger, prefetch } = deps;
  const answers = deps.metrics?.histogram('chorus_authz_answer_seconds', 'Authorization requests answered, by status: service time', [
    'status',
  ]);
  let answered = 0;
  let stopping = false;
  let consumerTag: string | undefined;
  let current: ConfirmChannel | undefined;
  const inFlight = new Set<Promise<void>>();

  const handle = async (ch: ConfirmChannel, msg: ConsumeMessage) => {
    const { replyTo, correlationId } = msg.properties as { replyTo?: string; correlationId?: string };
    try {
      if (!replyTo || !correlationId) {
        logger.warn({ replyTo, correlationId }, 'authz request without replyTo/correlationId dropped');
        return;
      }
      const end = answers?.startTimer();
      const answer: AuthzResponse = await authorize(decode(msg));
      end?.({ status: answer.status });
      ch.sendToQueue(replyTo, Buffer.from(JSON.stringify(answer)), { correlationId, contentType: 'application/json', persistent: false });
      answered++;
    } catch (err) {
      logger.warn({ err: (err as Error).message, correlationId }, 'authz request not answered');
    } finally {
      try {
        ch.ack(msg);
      } catch {
        // channel already closed: the broker requeues it for another replica
      }
    }
  };

  const channel: ChannelWrapper = connection.createChannel({
    name: 'authz-responder',
    confirm: false,
    setup: async (ch: ConfirmChannel) => {
      await declareAuthzQueue(ch, names);
      await ch.prefetch(prefetch);
      current = ch;
      if (stopping) return;
      const { consumerTag: tag } = await ch.consume(
        names.authzQueue,
        (msg) => {
          if (!msg) return;
          const p = handle(ch, msg);
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        },
        { noAck: false },
      );
      consumerTag = tag;
    },
  });
  channel.on('error', (err) => logger.warn({ err }, 'authz responder channel error'));

  return {
    ready: channel.waitForConnect(),
    get answered() {
      return answered;
    },
    async stop() {
      stopping = true;
      if (current && consumerTag) await current.cancel(consumerTag).catch(() => undefined);
      await Promise.allSettled([...inFlight]);
      await channel.close();
    },
  };
}
