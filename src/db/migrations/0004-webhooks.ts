import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../database.js';
import { tableWithId } from './0001-initial.js';

/**
 * Webhooks and their recent delivery attempts. A webhook's `cursor` is the last seq its receiver acknowledged:
 * the event table is the queue. `lease_owner`/`lease_until` say which node delivers it now (docs/decisions.md).
 */
export function webhooks(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const id = (table: string) => tableWithId(db, engine, table);
      await id('webhooks')
        .addColumn('url', 'text', (col) => col.notNull())
        .addColumn('topics', 'text', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('secret', 'text', (col) => col.notNull())
        .addColumn('previous_secret', 'text')
        .addColumn('previous_secret_until', 'text')
        .addColumn('cursor', 'bigint', (col) => col.notNull())
        .addColumn('attempt', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('failing_since', 'text')
        .addColumn('next_attempt_at', 'text')
        .addColumn('failure', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      await id('webhook_deliveries')
        .addColumn('webhook_id', 'integer', (col) =>
          col.notNull().references('webhooks.id').onDelete('cascade'),
        )
        .addColumn('seq', 'bigint', (col) => col.notNull())
        .addColumn('attempt', 'integer', (col) => col.notNull())
        .addColumn('status', 'integer')
        .addColumn('duration_ms', 'integer', (col) => col.notNull())
        .addColumn('error', 'text')
        .addColumn('at', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_by_webhook')
        .on('webhook_deliveries')
        .columns(['webhook_id', 'id'])
        .execute();
    },
  };
}
