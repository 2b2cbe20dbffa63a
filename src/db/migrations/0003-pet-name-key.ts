import { sql, type Kysely, type Migration } from 'kysely';
import { nameKey } from '../../catalog/name-key.js';

/**
 * The name as the `name` filter compares it, stored beside it: the same folding in SQL on both engines and in the
 * node's in-memory catalog (see `nameKey`), where `lower()` would fold differently per engine and locale.
 */
export const petNameKey: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('pets')
      .addColumn('name_key', 'text', (col) => col.notNull().defaultTo(''))
      .execute();
    const { rows } = await sql<{ id: number; name: string }>`select id, name from pets`.execute(db);
    for (const { id, name } of rows) {
      await sql`update pets set name_key = ${nameKey(name)} where id = ${id}`.execute(db);
    }
  },
};
