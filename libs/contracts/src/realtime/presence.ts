import { z } from 'zod';
import { ObjectIdString } from '../ids.js';
import { VisibleStatus } from '../rest/servers.js';
import { AckFailureSchema, type Ack } from './events.js';

/** What a user may choose (SPEC 11). */
export const PresenceStatus = z.enum(['online', 'idle', 'dnd', 'invisible']);
export type PresenceStatus = z.infer<typeof PresenceStatus>;

export const PresenceSetPayload = z.strictObject({ status: PresenceStatus });
export type PresenceSetPayload = z.infer<typeof PresenceSetPayload>;

/** Subscribe to (or leave) a server's presence: members only. */
export const PresenceSubscribePayload = z.strictObject({ serverId: ObjectIdString });
export type PresenceSubscribePayload = z.infer<typeof PresenceSubscribePayload>;
export const PresenceUnsubscribePayload = PresenceSubscribePayload;
export type PresenceUnsubscribePayload = PresenceSubscribePayload;

export const PresenceEntry = z.object({ userId: ObjectIdString, status: VisibleStatus });
export type PresenceEntry = z.infer<typeof PresenceEntry>;

/** With `serverId` to a server's subscribers; without it to a DM partner. */
export const PresenceUpdatedEvent = z.object({ serverId: ObjectIdString.optional(), userId: ObjectIdString, status: VisibleStatus });
export type PresenceUpdatedEvent = z.infer<typeof PresenceUpdatedEvent>;

export type PresenceSetAck = Ack;
/** The server's members who are not offline, at the moment of the subscription. */
export type PresenceSubscribeAck = Ack<{ presences: PresenceEntry[] }>;
export type PresenceUnsubscribeAck = Ack;

export const PresenceSetAckSchema = z.union([z.object({ ok: z.literal(true) }), AckFailureSchema]);
export const PresenceSubscribeAckSchema = z.union([z.object({ ok: z.literal(true), presences: z.array(PresenceEntry) }), AckFailureSchema]);
export const PresenceUnsubscribeAckSchema = PresenceSetAckSchema;
