import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

/** A new name for an event log: 16 hex digits, random. */
export function newEpoch(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The event log's epoch, kept beside its counter: a seq is only meaningful with the epoch of the log that
 * gave it, so a client resuming into a new or restored database learns that its `since` means nothing here.
 */
export const eventLogEpoch: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('event_counter').addColumn('epoch', 'text').execute();
    await sql`update event_counter set epoch = ${newEpoch()}`.execute(db);
  },
};
