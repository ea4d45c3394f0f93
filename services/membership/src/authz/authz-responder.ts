import { declareAuthzQueue, type TopologyNames } from '@chorus/contracts';
import {
  createConsumer,
  jsonDecoder,
  type AmqpConnectionManager,
  type Consumer,
  type Delivery,
  type Logger,
  type Metrics,
} from '@chorus/runtime';
import type { Authorizer } from './authorizer.js';

export interface AuthzResponderDeps {
  connection: AmqpConnectionManager;
  names: TopologyNames;
  authorize: Authorizer;
  logger: Logger;
  prefetch: number;
  metrics?: Metrics;
}

/**
 * The membership side of the authorization RPC (contracts: broker/rpc.ts), on the runtime's consumer:
 * the authz queue with a bounded prefetch, each answer sent to `replyTo` with the request's
 * `correlationId`, and every request acked — never requeued (the caller times out and retries if it
 * must). Requests that are not valid JSON / AuthzRequest get `{status:'invalid'}` from the authorizer;
 * when MongoDB fails there is no answer (the caller maps its timeout to UNAVAILABLE).
 */
export function startAuthzResponder(deps: AuthzResponderDeps): Consumer {
  const { authorize, logger } = deps;
  const answers = deps.metrics?.histogram('chorus_authz_answer_seconds', 'Authorization requests answered, by status: service time', [
    'status',
  ]);

  const answer = async ({ value, message, reply }: Delivery<unknown>) => {
    const { replyTo, correlationId } = message.properties as { replyTo?: string; correlationId?: string };
    if (!replyTo || !correlationId) return logger.warn({ replyTo, correlationId }, 'authz request without replyTo/correlationId dropped');
    try {
      const end = answers?.startTimer();
      const response = await authorize(value);
      end?.({ status: response.status });
      reply(replyTo, Buffer.from(JSON.stringify(response)), { correlationId, contentType: 'application/json', persistent: false });
    } catch (err) {
      logger.warn({ err, correlationId }, 'authz request not answered');
    }
  };

  return createConsumer({
    connection: deps.connection,
    name: 'authz-responder',
    logger,
    declare: async (ch) => {
      await declareAuthzQueue(ch, deps.names);
      return deps.names.authzQueue;
    },
    prefetch: deps.prefetch,
    decode: jsonDecoder,
    handle: answer,
  });
}
