import type { Executor } from '../db/executor.js';
import { CategoryExistsError, CategoryInUseError, CategoryNotFoundError } from '../errors.js';
import type { CategoriesRepository } from '../repositories/categories-repository.js';
import type { PetsRepository } from '../repositories/pets-repository.js';
import type { Category, CategoryInput, CategoryListQuery } from '../schemas/categories.js';
import { requireAdmin, type Actor } from './access.js';
import { decodeCursor, toPage, type Page } from './pagination.js';
import type { AtSeq, Transactor } from './transactor.js';

/**
 * Pet categories. Anyone may read them; admins create, rename and delete them. A category in use by a pet
 * cannot be deleted. Renaming one changes how its pets read, so each of them gets a new version and a
 * `pet.updated` event in the same transaction: a client holding a pet never keeps an old category name.
 */
export class CategoriesService {
  constructor(
    private readonly transactor: Transactor,
    private readonly categories: CategoriesRepository,
    private readonly pets: PetsRepository,
  ) {}

  list(query: CategoryListQuery): Promise<AtSeq<Page<Category>>> {
    return this.transactor.read(async (tx) =>
      toPage(await this.categories.list(tx, decodeCursor(query.cursor), query.limit + 1), query.limit),
    );
  }

  async get(id: number): Promise<AtSeq<Category>> {
    return this.transactor.read(async (tx) => this.mustFind(tx, id));
  }

  create(actor: Actor, input: CategoryInput): Promise<AtSeq<Category>> {
    requireAdmin(actor);
    return this.transactor.write(async (tx, events) => {
      const category = await this.categories.insert(tx, input.name);
      if (!category) throw new CategoryExistsError(input.name);
      events.push({ topic: 'categories', type: 'category.created', payload: category });
      return category;
    });
  }

  rename(actor: Actor, id: number, input: CategoryInput): Promise<AtSeq<Category>> {
    requireAdmin(actor);
    return this.transactor.write(async (tx, events) => {
      const current = await this.mustFind(tx, id);
      if (current.name === input.name) return current;
      if (!(await this.categories.rename(tx, id, input.name))) throw new CategoryExistsError(input.name);
      const category = { id, name: input.name };
      events.push({ topic: 'categories', type: 'category.updated', payload: category });
      for (const pet of await this.pets.touchCategory(tx, id, new Date().toISOString())) {
        events.push({ topic: 'pets', type: 'pet.updated', payload: pet });
      }
      return category;
    });
  }

  delete(actor: Actor, id: number): Promise<AtSeq<{ id: number }>> {
    requireAdmin(actor);
    return this.transactor.write(async (tx, events) => {
      const category = await this.mustFind(tx, id);
      if (!(await this.categories.delete(tx, id))) throw new CategoryInUseError(category.name);
      events.push({ topic: 'categories', type: 'category.deleted', payload: { id } });
      return { id };
    });
  }

  private async mustFind(tx: Executor, id: number): Promise<Category> {
    const category = await this.categories.findById(tx, id);
    if (!category) throw new CategoryNotFoundError(id);
    return category;
  }
}
