import { z } from 'zod';
import { ObjectIdString } from '../ids.js';
import type { ErrorObject } from '../errors.js';
import { Message, MessageContent, Nonce } from '../rest/messages.js';
import type {
  PresenceSetAck,
  PresenceSetPayload,
  PresenceSubscribeAck,
  PresenceSubscribePayload,
  PresenceUnsubscribeAck,
  PresenceUpdatedEvent,
} from './presence.js';
import type { ReactionEvent, ReadUpdatedEvent } from '../engagement.js';

/** Client → server payloads (SPEC 5). Every one is parsed with these before anything else happens. */
export const ChannelJoinPayload = z.strictObject({ channelId: ObjectIdString });
export type ChannelJoinPayload = z.infer<typeof ChannelJoinPayload>;
export const ChannelLeavePayload = ChannelJoinPayload;
export type ChannelLeavePayload = ChannelJoinPayload;
export const TypingStartPayload = ChannelJoinPayload;
export type TypingStartPayload = ChannelJoinPayload;

export const MessageSendPayload = z.strictObject({
  channelId: ObjectIdString,
  content: MessageContent,
  nonce: Nonce.optional(),
});
export type MessageSendPayload = z.infer<typeof MessageSendPayload>;

/** The channel as `channel:join` acknowledges it (`serverId` null for a DM). */
export const ChannelRef = z.object({ id: ObjectIdString, serverId: ObjectIdString.nullable(), name: z.string() });
export type ChannelRef = z.infer<typeof ChannelRef>;

/** Server → client payloads. */
export const MessageDeletedEvent = z.object({ id: ObjectIdString, channelId: ObjectIdString });
export type MessageDeletedEvent = z.infer<typeof MessageDeletedEvent>;
export const TypingEvent = z.object({
  channelId: ObjectIdString,
  user: z.object({ id: ObjectIdString, username: z.string() }),
});
export type TypingEvent = z.infer<typeof TypingEvent>;
export const ServerRemovedEvent = z.object({ serverId: ObjectIdString });
export type ServerRemovedEvent = z.infer<typeof ServerRemovedEvent>;

/** Acknowledgements: `{ok:true, ...}` or `{ok:false, error}`. */
export type AckFailure = { ok: false; error: ErrorObject };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckFailure;

export type ChannelJoinAck = Ack<{ channel: ChannelRef }>;
export type ChannelLeaveAck = Ack;
/** `duplicate: true` when the nonce was already used by this user: the original message, not broadcast again. */
export type MessageSendAck = Ack<{ message: Message; duplicate?: true }>;

/** Ack schemas, for tests and clients that validate what the gateway answers. */
export const AckFailureSchema = z.object({
  ok: z.literal(false),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export const ChannelJoinAckSchema = z.union([z.object({ ok: z.literal(true), channel: ChannelRef }), AckFailureSchema]);
export const ChannelLeaveAckSchema = z.union([z.object({ ok: z.literal(true) }), AckFailureSchema]);
export const MessageSendAckSchema = z.union([
  z.object({ ok: z.literal(true), message: Message, duplicate: z.literal(true).optional() }),
  AckFailureSchema,
]);

/** Socket.IO event maps: the generics of both `Server` and the client `Socket`. */
export interface ClientToServerEvents {
  'channel:join': (payload: ChannelJoinPayload, ack: (res: ChannelJoinAck) => void) => void;
  'channel:leave': (payload: ChannelLeavePayload, ack: (res: ChannelLeaveAck) => void) => void;
  'message:send': (payload: z.input<typeof MessageSendPayload>, ack: (res: MessageSendAck) => void) => void;
  'typing:start': (payload: TypingStartPayload) => void;
  'presence:set': (payload: PresenceSetPayload, ack: (res: PresenceSetAck) => void) => void;
  'presence:subscribe': (payload: PresenceSubscribePayload, ack: (res: PresenceSubscribeAck) => void) => void;
  'presence:unsubscribe': (payload: PresenceSubscribePayload, ack: (res: PresenceUnsubscribeAck) => void) => void;
}

export interface ServerToClientEvents {
  'message:created': (message: Message) => void;
  'message:updated': (message: Message) => void;
  'message:deleted': (event: MessageDeletedEvent) => void;
  'typing:start': (event: TypingEvent) => void;
  'server:removed': (event: ServerRemovedEvent) => void;
  'presence:updated': (event: PresenceUpdatedEvent) => void;
  'message:reaction_added': (event: ReactionEvent) => void;
  'message:reaction_removed': (event: ReactionEvent) => void;
  'read:updated': (event: ReadUpdatedEvent) => void;
}
