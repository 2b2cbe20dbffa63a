import type { Executor } from '../db/executor.js';
import type { Category } from '../schemas/categories.js';

/** The constraint a failed statement broke, on either engine. */
function brokenConstraint(error: unknown): 'unique' | 'foreign-key' | undefined {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') return 'unique';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') return 'foreign-key';
  return undefined;
}

export class CategoriesRepository {
  /** Categories by id, after `afterId`, at most `limit`. */
  list(db: Executor, afterId: number | undefined, limit: number): Promise<Category[]> {
    let query = db.selectFrom('categories').select(['id', 'name']).orderBy('id').limit(limit);
    if (afterId !== undefined) query = query.where('id', '>', afterId);
    return query.execute();
  }

  findById(db: Executor, id: number): Promise<Category | undefined> {
    return db.selectFrom('categories').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  }

  findByName(db: Executor, name: string): Promise<Category | undefined> {
    return db.selectFrom('categories').select(['id', 'name']).where('name', '=', name).executeTakeFirst();
  }

  /** The new category, or undefined when one of that name exists. */
  async insert(db: Executor, name: string): Promise<Category | undefined> {
    return db
      .insertInto('categories')
      .values({ name })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .returning(['id', 'name'])
      .executeTakeFirst();
  }

  /** False when another category has the name already. */
  async rename(db: Executor, id: number, name: string): Promise<boolean> {
    try {
      await db.updateTable('categories').set({ name }).where('id', '=', id).execute();
      return true;
    } catch (error) {
      if (brokenConstraint(error) === 'unique') return false;
      throw error;
    }
  }

  /** False when a pet still uses the category (checked first; the foreign key decides a race). */
  async delete(db: Executor, id: number): Promise<boolean> {
    if (await this.isUsed(db, id)) return false;
    try {
      await db.deleteFrom('categories').where('id', '=', id).execute();
      return true;
    } catch (error) {
      if (brokenConstraint(error) === 'foreign-key') return false;
      throw error;
    }
  }

  private async isUsed(db: Executor, id: number): Promise<boolean> {
    const pet = await db
      .selectFrom('pets')
      .select('id')
      .where('categoryId', '=', id)
      .limit(1)
      .executeTakeFirst();
    return pet !== undefined;
  }
}
