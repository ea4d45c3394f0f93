import type { Connection } from 'mongoose';
import { indexStep, type MigrationStep } from '@chorus/runtime';
import { messageModels } from './messages/message.schema.js';
import { reactionModel } from './reactions/reaction.schema.js';
import { readStateModel } from './read-state/read-state.schema.js';

/**
 * History's migration steps, in order (`npm run migrate -w services/history`; deploy runs it before
 * the service). Today one: the collections (`messages`, `deleted_scopes`, `reactions`, `read_states`)
 * and the indexes declared next to their schemas (README, "Indexes"). A data change gets its own
 * named step here, after it.
 */
export function historyMigrations(conn: Connection): MigrationStep[] {
  const { Message, ScopeTombstone } = messageModels(conn);
  return [indexStep('history', [Message, ScopeTombstone, reactionModel(conn), readStateModel(conn)])];
}
