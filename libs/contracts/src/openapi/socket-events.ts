import { z } from 'zod';
import { Message } from '../rest/messages.js';
import { ReactionEvent, ReadUpdatedEvent } from '../engagement.js';
import {
  ChannelJoinAckSchema,
  ChannelJoinPayload,
  ChannelLeaveAckSchema,
  ChannelLeavePayload,
  MessageDeletedEvent,
  MessageSendAckSchema,
  MessageSendPayload,
  ServerRemovedEvent,
  TypingEvent,
  TypingStartPayload,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../realtime/events.js';
import {
  PresenceSetAckSchema,
  PresenceSetPayload,
  PresenceSubscribeAckSchema,
  PresenceSubscribePayload,
  PresenceUnsubscribeAckSchema,
  PresenceUpdatedEvent,
} from '../realtime/presence.js';

interface EventDoc {
  summary: string;
  payload: z.ZodType;
  ack?: z.ZodType;
}

/** Keyed by the event maps' own keys, so an event added to a map without a doc here fails to compile. */
const CLIENT: Record<keyof ClientToServerEvents, EventDoc> = {
  'channel:join': {
    summary: 'Join a channel’s room (READ: membership of its server)',
    payload: ChannelJoinPayload,
    ack: ChannelJoinAckSchema,
  },
  'channel:leave': { summary: 'Leave a channel’s room', payload: ChannelLeavePayload, ack: ChannelLeaveAckSchema },
  'message:send': {
    summary: 'Send a message; acked once durable in the broker; a repeated nonce returns the original',
    payload: MessageSendPayload,
    ack: MessageSendAckSchema,
  },
  'typing:start': { summary: 'Typing indicator for a joined channel (no ack, not persisted)', payload: TypingStartPayload },
  'presence:set': {
    summary: 'Choose online / idle / dnd / invisible (invisible is shown as offline)',
    payload: PresenceSetPayload,
    ack: PresenceSetAckSchema,
  },
  'presence:subscribe': {
    summary: 'Snapshot of a server’s members who are not offline, then presence:updated on each change (members only)',
    payload: PresenceSubscribePayload,
    ack: PresenceSubscribeAckSchema,
  },
  'presence:unsubscribe': {
    summary: 'Stop a server’s presence updates',
    payload: PresenceSubscribePayload,
    ack: PresenceUnsubscribeAckSchema,
  },
};
const SERVER: Record<keyof ServerToClientEvents, EventDoc> = {
  'message:created': { summary: 'A new message, to every socket in the room, in id order', payload: Message },
  'message:updated': { summary: 'An edited message', payload: Message },
  'message:deleted': { summary: 'A deleted message', payload: MessageDeletedEvent },
  'typing:start': { summary: 'Someone else is typing', payload: TypingEvent },
  'server:removed': { summary: 'The caller left or lost a server; its rooms were left on every gateway', payload: ServerRemovedEvent },
  'presence:updated': {
    summary: 'A presence change: with serverId to that server’s subscribers, without it to DM partners',
    payload: PresenceUpdatedEvent,
  },
  'message:reaction_added': { summary: 'Someone reacted to a message of the room (once per change)', payload: ReactionEvent },
  'message:reaction_removed': { summary: 'Someone took their reaction back (once per change)', payload: ReactionEvent },
  'read:updated': { summary: 'The caller’s read position moved forward (to all of the caller’s sockets)', payload: ReadUpdatedEvent },
};

const json = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });

/** The Socket.IO events (SPEC 5) with the JSON Schema of each payload and ack, from the same contracts (served at /api/docs/socket-events.json). */
export function buildSocketEventsDocument() {
  const side = (docs: Record<string, EventDoc>, io: 'input' | 'output') =>
    Object.fromEntries(
      Object.entries(docs).map(([name, d]) => [
        name,
        { summary: d.summary, payload: json(d.payload, io), ...(d.ack ? { ack: json(d.ack, 'output') } : {}) },
      ]),
    );
  return {
    title: 'Chorus Socket.IO events',
    connect: 'io(url, { auth: { token: accessToken } }); a refused handshake is connect_error with message "UNAUTHENTICATED"',
    clientToServer: side(CLIENT, 'input'),
    serverToClient: side(SERVER, 'output'),
  };
}
