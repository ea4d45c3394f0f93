// The migrate command: creates history's collections and indexes, records the step, exits.
import { migrateCommand } from '@chorus/runtime';
import { historyMigrations } from './migrations.js';

await migrateCommand('history', historyMigrations);
