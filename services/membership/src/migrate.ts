// The migrate command: creates membership's collections and indexes, records the step, exits.
import { migrateCommand } from '@chorus/runtime';
import { membershipMigrations } from './db/migrations.js';
import { createModels } from './db/models.js';

await migrateCommand('membership', (conn) => membershipMigrations(createModels(conn)));
