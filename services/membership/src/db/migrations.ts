import { indexStep, type MigrationStep } from '@chorus/runtime';
import type { Models } from './models.js';

/**
 * Membership's migration steps, in order (`npm run migrate -w services/membership`; deploy runs it
 * before the service). Today one: every model's collection and the indexes declared next to its
 * schema — the unique ones (`usernameLower`, `(serverId, userId)`, `pairKey`, `tokenHash`, `nameLower`, invite `code`)
 * decide races, so the service refuses to start until they exist. A data change gets its own named
 * step here, after it.
 */
export function membershipMigrations(models: Models): MigrationStep[] {
  return [indexStep('membership', Object.values(models))];
}
