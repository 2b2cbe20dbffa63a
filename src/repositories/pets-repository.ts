import { sql } from 'kysely';
import { jsonArrayFrom as postgresJsonArrayFrom } from 'kysely/helpers/postgres';
import { jsonArrayFrom as sqliteJsonArrayFrom } from 'kysely/helpers/sqlite';
import { nameKey } from '../catalog/name-key.js';
import type { PetFilter } from '../catalog/pet-catalog.js';
import type { Engine } from '../db/database.js';
import type { Executor } from '../db/executor.js';
import { ReusableQuery, ShapedQueries } from '../db/reusable-query.js';
import type { PetRow } from '../db/types.js';
import type { Inventory, NamedRefInput, Pet, PetStatus } from '../schemas/pets.js';

export interface PetValues {
  name: string;
  categoryId: number | null;
  photoUrls: string[];
  status: PetStatus;
}

type NamedRef = { id: number; name: string };
/** A pet row with its category's name and its tags (a JSON text on SQLite, parsed already on PostgreSQL). */
type PetWithRefs = PetRow & { categoryName: string | null; tags: NamedRef[] | string };

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** A list query's values by name: `status0`…, `tag0`…, `category`, `namePattern`, `afterId`, `limit`. */
type ListParams = Record<string, unknown>;

function listParams(filter: PetFilter): ListParams {
  const params: ListParams = {};
  filter.statuses?.forEach((status, index) => (params[`status${index}`] = status));
  filter.tags?.forEach((tag, index) => (params[`tag${index}`] = tag));
  if (filter.category !== undefined) params.category = filter.category;
  if (filter.nameContains !== undefined) {
    params.namePattern = `%${escapeLike(nameKey(filter.nameContains))}%`;
  }
  if (filter.afterId !== undefined) params.afterId = filter.afterId;
  if (filter.limit !== undefined) params.limit = filter.limit;
  return params;
}

export class PetsRepository {
  private readonly jsonArrayFrom: typeof sqliteJsonArrayFrom;
  /** One compiled query per filter shape (which filters, how many values each); the common shapes are few. */
  private readonly lists = new ShapedQueries(100, (db, params) => this.selectList(db, params));
  private readonly inventoryQuery = new ReusableQuery([], (db) =>
    db
      .selectFrom('pets')
      .select(['status', db.fn.countAll<number | string>().as('count')])
      .groupBy('status'),
  );
  /** One compiled update per set of fields written (`PetValues` has four: a handful of shapes). */
  private readonly updates = new ShapedQueries(15, (db, { id, now, ...fields }) =>
    db
      .updateTable('pets')
      .set({ ...(fields as Partial<PetRow>), version: sql`version + 1`, updatedAt: now as string })
      .where('id', '=', id as number),
  );
  private readonly reserveQuery = new ReusableQuery(
    ['id', 'now'],
    (db, { id, now }: { id: number; now: string }) =>
      db
        .updateTable('pets')
        .set({ status: 'pending', version: sql`version + 1`, updatedAt: now })
        .where('id', '=', id)
        .where('status', '=', 'available')
        .returning('id'),
  );
  private readonly petById = new ReusableQuery(['id'], (db, { id }: { id: number }) =>
    this.selectPets(db).where('pets.id', '=', id),
  );
  private readonly petByIdForUpdate = new ReusableQuery(['id'], (db, { id }: { id: number }) =>
    this.selectPets(db).where('pets.id', '=', id).forUpdate('pets'),
  );
  private readonly petWithSeq = new ReusableQuery(['id'], (db, { id }: { id: number }) =>
    this.selectPets(db)
      .select((eb) =>
        eb.selectFrom('eventCounter').select('lastSeq').where('eventCounter.id', '=', 1).as('seq'),
      )
      .where('pets.id', '=', id),
  );

  constructor(private readonly engine: Engine) {
    this.jsonArrayFrom = engine === 'postgres' ? postgresJsonArrayFrom : sqliteJsonArrayFrom;
  }

  /** One pet as the API shows it; `lock` takes a row lock on PostgreSQL for read-modify-write. */
  async findById(db: Executor, id: number, options: { lock?: boolean } = {}): Promise<Pet | undefined> {
    const query = options.lock && this.engine === 'postgres' ? this.petByIdForUpdate : this.petById;
    const [row] = await query.execute(db, { id });
    return row && this.toPet(row);
  }

  /**
   * One pet and the newest seq, read by a single statement (so from one snapshot, without a transaction) that
   * is compiled once: the hot read of the API.
   */
  async findWithSeq(db: Executor, id: number): Promise<{ pet: Pet; seq: number } | undefined> {
    const [row] = await this.petWithSeq.execute(db, { id });
    return row && { pet: this.toPet(row), seq: Number(row.seq) };
  }

  /** Pets matching every given filter, by id. Filters of one shape (the same kinds, as many values) share SQL. */
  async list(db: Executor, filter: PetFilter): Promise<Pet[]> {
    const rows = await this.lists.execute(db, listParams(filter));
    return rows.map((row) => this.toPet(row));
  }

  async insert(db: Executor, values: PetValues, now: string): Promise<number> {
    const { id } = await db
      .insertInto('pets')
      .values({
        ...values,
        nameKey: nameKey(values.name),
        photoUrls: JSON.stringify(values.photoUrls),
        version: 1,
        createdAt: now,
        updatedAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** Bumps the version of every pet in the category (its name changed) and returns them as they read now. */
  async touchCategory(db: Executor, categoryId: number, now: string): Promise<Pet[]> {
    const touched = await db
      .updateTable('pets')
      .set({ version: sql`version + 1`, updatedAt: now })
      .where('categoryId', '=', categoryId)
      .returning('id')
      .execute();
    const pets: Pet[] = [];
    for (const { id } of touched.sort((a, b) => a.id - b.id)) {
      const pet = await this.findById(db, id);
      if (pet) pets.push(pet);
    }
    return pets;
  }

  /** Writes the given fields and bumps the version. */
  async update(db: Executor, id: number, values: Partial<PetValues>, now: string): Promise<void> {
    const { photoUrls, ...rest } = values;
    await this.updates.execute(db, {
      ...rest,
      ...(rest.name !== undefined ? { nameKey: nameKey(rest.name) } : {}),
      ...(photoUrls ? { photoUrls: JSON.stringify(photoUrls) } : {}),
      id,
      now,
    });
  }

  /** Moves an `available` pet to `pending`; false when it was not available (the order race is decided here). */
  async reserve(db: Executor, id: number, now: string): Promise<boolean> {
    const reserved = await this.reserveQuery.execute(db, { id, now });
    return reserved.length === 1;
  }

  async delete(db: Executor, id: number): Promise<void> {
    await db.deleteFrom('pets').where('id', '=', id).execute();
  }

  async inventory(db: Executor): Promise<Inventory> {
    const rows = await this.inventoryQuery.execute(db, {});
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

  /** Finds a tag by id or name, creating it by name when missing; undefined for an unknown id. */
  async resolveTag(db: Executor, ref: NamedRefInput): Promise<number | undefined> {
    if (ref.id !== undefined) {
      const row = await db.selectFrom('tags').select('id').where('id', '=', ref.id).executeTakeFirst();
      return row?.id;
    }
    const name = ref.name as string;
    await db
      .insertInto('tags')
      .values({ name })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    const row = await db.selectFrom('tags').select('id').where('name', '=', name).executeTakeFirstOrThrow();
    return row.id;
  }

  private selectList(db: Executor, params: ListParams) {
    const valuesOf = (prefix: string) =>
      Object.entries(params)
        .filter(([name]) => name.startsWith(prefix))
        .map(([, value]) => value as string);
    const statuses = valuesOf('status') as PetStatus[];
    const tags = valuesOf('tag');
    let query = this.selectPets(db).orderBy('pets.id');
    if (statuses.length > 0) query = query.where('pets.status', 'in', statuses);
    if ('category' in params) query = query.where('categories.name', '=', params.category as string);
    if ('namePattern' in params) {
      query = query.where(sql<boolean>`pets.name_key like ${params.namePattern} escape '\\'`);
    }
    if (tags.length > 0) {
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
    if ('afterId' in params) query = query.where('pets.id', '>', params.afterId as number);
    if ('limit' in params) query = query.limit(params.limit as number);
    return query;
  }

  private selectPets(db: Executor) {
    return db
      .selectFrom('pets')
      .leftJoin('categories', 'categories.id', 'pets.categoryId')
      .selectAll('pets')
      .select('categories.name as categoryName')
      .select((eb) =>
        this.jsonArrayFrom(
          eb
            .selectFrom('petTags')
            .innerJoin('tags', 'tags.id', 'petTags.tagId')
            .select(['tags.id', 'tags.name'])
            .whereRef('petTags.petId', '=', 'pets.id')
            .orderBy('petTags.position'),
        ).as('tags'),
      );
  }

  private toPet(row: PetWithRefs): Pet {
    return {
      id: row.id,
      name: row.name,
      category: row.categoryId !== null ? { id: row.categoryId, name: row.categoryName as string } : null,
      photoUrls: JSON.parse(row.photoUrls) as string[],
      tags: typeof row.tags === 'string' ? (JSON.parse(row.tags) as NamedRef[]) : row.tags,
      status: row.status,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}
