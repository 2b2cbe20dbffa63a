import type { Migration } from 'kysely';
import type { Engine } from '../database.js';
import { initialSchema } from './0001-initial.js';
import { eventLogEpoch } from './0002-event-log-epoch.js';
import { petNameKey } from './0003-pet-name-key.js';
import { webhooks } from './0004-webhooks.js';

/** Every migration, by name, in the order they run: a new one is a file in this folder and a line here. */
export function migrationsFor(engine: Engine): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(engine),
    '0002-event-log-epoch': eventLogEpoch,
    '0003-pet-name-key': petNameKey,
    '0004-webhooks': webhooks(engine),
  };
}
