import { sql } from 'kysely';
import type { Engine } from '../db/database.js';
import type { Executor } from '../db/executor.js';
import type { PetRow } from '../db/types.js';
import type { Inventory, NamedRefInput, Pet, PetStatus } from '../schemas/pets.js';

export interface PetFilter {
  statuses?: PetStatus[];
  tags?: string[];
  category?: string;
  nameContains?: string;
  afterId?: number;
  limit?: number;
}

export interface PetValues {
  name: string;
  categoryId: number | null;
  photoUrls: string[];
  status: PetStatus;
}

type PetWithCategory = PetRow & { categoryName: string | null };

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export class PetsRepository {
  constructor(private readonly engine: Engine) {}

  /** One pet as the API shows it; `lock` takes a row lock on PostgreSQL for read-modify-write. */
  async findById(db: Executor, id: number, options: { lock?: boolean } = {}): Promise<Pet | undefined> {
    const row = await this.selectPets(db)
      .where('pets.id', '=', id)
      .$if(Boolean(options.lock) && this.engine === 'postgres', (query) => query.forUpdate('pets'))
      .executeTakeFirst();
    if (!row) return undefined;
    const [pet] = await this.withTags(db, [row]);
    return pet;
  }

  async list(db: Executor, filter: PetFilter): Promise<Pet[]> {
    let query = this.selectPets(db).orderBy('pets.id');
    if (filter.statuses) query = query.where('pets.status', 'in', filter.statuses);
    if (filter.category !== undefined) query = query.where('categories.name', '=', filter.category);
    if (filter.nameContains !== undefined) {
      const pattern = `%${escapeLike(filter.nameContains.toLowerCase())}%`;
      query = query.where(sql<boolean>`lower(pets.name) like ${pattern} escape '\\'`);
    }
    if (filter.tags) {
      const tags = filter.tags;
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('petTags')
            .innerJoin('tags', 'tags.id', 'petTags.tagId')
            .select('petTags.petId')
            .whereRef('petTags.petId', '=', 'pets.id')
            .where('tags.name', 'in', tags),
        ),
      );
    }
    if (filter.afterId !== undefined) query = query.where('pets.id', '>', filter.afterId);
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return this.withTags(db, await query.execute());
  }

  async insert(db: Executor, values: PetValues, now: string): Promise<number> {
    const { id } = await db
      .insertInto('pets')
      .values({
        ...values,
        photoUrls: JSON.stringify(values.photoUrls),
        version: 1,
        createdAt: now,
        updatedAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** Writes the given fields and bumps the version. */
  async update(db: Executor, id: number, values: Partial<PetValues>, now: string): Promise<void> {
    const { photoUrls, ...rest } = values;
    await db
      .updateTable('pets')
      .set({
        ...rest,
        ...(photoUrls ? { photoUrls: JSON.stringify(photoUrls) } : {}),
        version: sql`version + 1`,
        updatedAt: now,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Moves an `available` pet to `pending`; false when it was not available (the order race is decided here). */
  async reserve(db: Executor, id: number, now: string): Promise<boolean> {
    const result = await db
      .updateTable('pets')
      .set({ status: 'pending', version: sql`version + 1`, updatedAt: now })
      .where('id', '=', id)
      .where('status', '=', 'available')
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async delete(db: Executor, id: number): Promise<void> {
    await db.deleteFrom('pets').where('id', '=', id).execute();
  }

  async inventory(db: Executor): Promise<Inventory> {
    const rows = await db
      .selectFrom('pets')
      .select(['status', db.fn.countAll<number | string>().as('count')])
      .groupBy('status')
      .execute();
    const inventory: Inventory = { available: 0, pending: 0, sold: 0 };
    for (const row of rows) inventory[row.status] = Number(row.count);
    return inventory;
  }

  async replaceTags(db: Executor, petId: number, tagIds: number[]): Promise<void> {
    await db.deleteFrom('petTags').where('petId', '=', petId).execute();
    if (tagIds.length === 0) return;
    await db
      .insertInto('petTags')
      .values(tagIds.map((tagId, position) => ({ petId, tagId, position })))
      .execute();
  }

  /** Finds a category or tag by id or name, creating it by name when missing; undefined for an unknown id. */
  async resolveNamed(
    db: Executor,
    table: 'categories' | 'tags',
    ref: NamedRefInput,
  ): Promise<number | undefined> {
    if (ref.id !== undefined) {
      const row = await db.selectFrom(table).select('id').where('id', '=', ref.id).executeTakeFirst();
      return row?.id;
    }
    const name = ref.name as string;
    await db
      .insertInto(table)
      .values({ name })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    const row = await db.selectFrom(table).select('id').where('name', '=', name).executeTakeFirstOrThrow();
    return row.id;
  }

  private selectPets(db: Executor) {
    return db
      .selectFrom('pets')
      .leftJoin('categories', 'categories.id', 'pets.categoryId')
      .selectAll('pets')
      .select('categories.name as categoryName');
  }

  private async withTags(db: Executor, rows: PetWithCategory[]): Promise<Pet[]> {
    if (rows.length === 0) return [];
    const tagRows = await db
      .selectFrom('petTags')
      .innerJoin('tags', 'tags.id', 'petTags.tagId')
      .select(['petTags.petId', 'tags.id', 'tags.name'])
      .where(
        'petTags.petId',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('petTags.petId')
      .orderBy('petTags.position')
      .execute();
    const tagsByPet = new Map<number, Array<{ id: number; name: string }>>();
    for (const tag of tagRows) {
      const list = tagsByPet.get(tag.petId) ?? [];
      list.push({ id: tag.id, name: tag.name });
      tagsByPet.set(tag.petId, list);
    }
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      category: row.categoryId !== null ? { id: row.categoryId, name: row.categoryName as string } : null,
      photoUrls: JSON.parse(row.photoUrls) as string[],
      tags: tagsByPet.get(row.id) ?? [],
      status: row.status,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }));
  }
}
