import { z } from 'zod';
import { ObjectIdString } from '../ids.js';
import { UserProfile } from './users.js';

/** POST /api/dms: open (or find) the DM channel with one other user. */
export const OpenDmRequest = z.strictObject({ userId: ObjectIdString });
export type OpenDmRequest = z.infer<typeof OpenDmRequest>;

/**
 * A direct-message channel (SPEC 10): exactly two recipients, one channel per pair. Its id is a channel
 * id like any other: history, `channel:join`, `message:send` and typing take it.
 */
export const DmChannel = z.object({
  id: ObjectIdString,
  type: z.literal('dm'),
  recipients: z.tuple([UserProfile, UserProfile]),
  lastMessageId: ObjectIdString.nullable(),
});
export type DmChannel = z.infer<typeof DmChannel>;

/** GET /api/dms — most recent message first (a DM without messages sorts by when it was opened). */
export const DmListResponse = z.object({ dms: z.array(DmChannel) });
export type DmListResponse = z.infer<typeof DmListResponse>;
