import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../database.js';

/**
 * The initial schema. Timestamps are ISO-8601 text on both engines so rows read back identically;
 * `seq` comes from the one-row `event_counter`, never from an autoincrement (see docs/decisions.md).
 */
/** A new table whose `id` the database assigns, on either engine. */
export function tableWithId(db: Kysely<unknown>, engine: Engine, name: string) {
  return db.schema
    .createTable(name)
    .addColumn('id', engine === 'postgres' ? 'serial' : 'integer', (col) =>
      engine === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey(),
    );
}

export function initialSchema(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const table = (name: string) => tableWithId(db, engine, name);

      await table('users')
        .addColumn('username', 'text', (col) => col.notNull().unique())
        .addColumn('password_hash', 'text', (col) => col.notNull())
        .addColumn('first_name', 'text')
        .addColumn('last_name', 'text')
        .addColumn('email', 'text')
        .addColumn('phone', 'text')
        .addColumn('user_status', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('admin', 'customer')`))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('refresh_token_hash', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

      await table('categories')
        .addColumn('name', 'text', (col) => col.notNull().unique())
        .execute();
      await table('tags')
        .addColumn('name', 'text', (col) => col.notNull().unique())
        .execute();

      await table('pets')
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('category_id', 'integer', (col) => col.references('categories.id'))
        .addColumn('photo_urls', 'text', (col) => col.notNull().defaultTo('[]'))
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('available', 'pending', 'sold')`),
        )
        .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('pets_status').on('pets').column('status').execute();

      await db.schema
        .createTable('pet_tags')
        .addColumn('pet_id', 'integer', (col) => col.notNull().references('pets.id').onDelete('cascade'))
        .addColumn('tag_id', 'integer', (col) => col.notNull().references('tags.id'))
        .addColumn('position', 'integer', (col) => col.notNull())
        .addPrimaryKeyConstraint('pet_tags_pk', ['pet_id', 'tag_id'])
        .execute();
      await db.schema.createIndex('pet_tags_tag_id').on('pet_tags').column('tag_id').execute();

      await table('pet_images')
        .addColumn('pet_id', 'integer', (col) => col.notNull().references('pets.id').onDelete('cascade'))
        .addColumn('file_name', 'text', (col) => col.notNull().unique())
        .addColumn('content_type', 'text', (col) => col.notNull())
        .addColumn('size_bytes', 'integer', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();

      // pet_id is deliberately not a foreign key: delivered orders outlive the pet they sold.
      await table('orders')
        .addColumn('pet_id', 'integer', (col) => col.notNull())
        .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
        .addColumn('quantity', 'integer', (col) => col.notNull())
        .addColumn('ship_date', 'text')
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('placed', 'approved', 'delivered')`),
        )
        .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('orders_user_id').on('orders').column('user_id').execute();
      // At most one open order per pet, whatever a bug elsewhere might try.
      await db.schema
        .createIndex('orders_one_open_per_pet')
        .on('orders')
        .column('pet_id')
        .unique()
        .where(sql<boolean>`status in ('placed', 'approved')`)
        .execute();

      await db.schema
        .createTable('change_events')
        .addColumn('seq', 'bigint', (col) => col.primaryKey())
        .addColumn('topic', 'text', (col) => col.notNull())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('event_counter')
        .addColumn('id', 'integer', (col) => col.primaryKey().check(sql`id = 1`))
        .addColumn('last_seq', 'bigint', (col) => col.notNull())
        .execute();
      await sql`insert into event_counter (id, last_seq) values (1, 0)`.execute(db);
    },
  };
}
