import {
  Message,
  MessageDeletedEvent,
  PresenceUpdatedEvent,
  ReactionEvent,
  ReadUpdatedEvent,
  ServerRemovedEvent,
  TypingEvent,
} from '@chorus/contracts';
import type { z } from 'zod';
import type { ChatSocket, ChorusSocketEvents } from './socket-types.js';

type Forwarded =
  | 'message:updated'
  | 'message:deleted'
  | 'typing:start'
  | 'presence:updated'
  | 'message:reaction_added'
  | 'message:reaction_removed'
  | 'read:updated'
  | 'server:removed';

export interface ForwardTarget {
  emit<K extends Forwarded>(event: K, ...args: Parameters<ChorusSocketEvents[K]>): void;
  /** A `message:created`: delivered once per id by the socket (live and catch-up share it). */
  deliver(message: Message): void;
  /** Before `server:removed` is emitted: the socket forgets the server's channels. */
  serverRemoved(serverId: string): void;
}

const parse =
  <S extends z.ZodType>(schema: S, handler: (value: z.output<S>) => void) =>
  (raw: unknown) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) handler(parsed.data);
  };

/** The gateway's events, parsed with the contracts before they are passed on (an invalid payload is dropped). */
export function forwardServerEvents(s: ChatSocket, target: ForwardTarget): void {
  s.on(
    'message:created',
    parse(Message, (m) => target.deliver(m)),
  );
  s.on(
    'message:updated',
    parse(Message, (m) => target.emit('message:updated', m)),
  );
  s.on(
    'message:deleted',
    parse(MessageDeletedEvent, (e) => target.emit('message:deleted', e)),
  );
  s.on(
    'typing:start',
    parse(TypingEvent, (e) => target.emit('typing:start', e)),
  );
  s.on(
    'presence:updated',
    parse(PresenceUpdatedEvent, (e) => target.emit('presence:updated', e)),
  );
  s.on(
    'message:reaction_added',
    parse(ReactionEvent, (e) => target.emit('message:reaction_added', e)),
  );
  s.on(
    'message:reaction_removed',
    parse(ReactionEvent, (e) => target.emit('message:reaction_removed', e)),
  );
  s.on(
    'read:updated',
    parse(ReadUpdatedEvent, (e) => target.emit('read:updated', e)),
  );
  s.on(
    'server:removed',
    parse(ServerRemovedEvent, (e) => {
      target.serverRemoved(e.serverId);
      target.emit('server:removed', e);
    }),
  );
}
