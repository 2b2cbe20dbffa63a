import fc from 'fast-check';
import { PetsRepository } from '../../repositories/pets-repository.js';
import type { Principal } from '../../services/access.js';
import { CatalogReads } from '../../services/catalog-reads.js';
import type { AtSeq } from '../../services/transactor.js';
import type { PetListQuery, PetStatus } from '../../schemas/pets.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The node's in-memory catalog against SQL: random writes through the real services (both engines), then every
 * kind of catalog query answered by the catalog and by the database path, which must agree exactly (data, JSON
 * and seq), page after page.
 */

const ADMIN: Principal = {
  userId: 0,
  username: 'admin',
  role: 'admin',
  sessionId: 'test',
  expiresAt: Infinity,
};
const STATUSES: PetStatus[] = ['available', 'pending', 'sold'];
// Names that fold differently per engine and locale under SQL's lower(): the stored name key must not.
const NAME_PARTS = ['rex', 'Rex', 'REX', 'émile', 'Émile', 'STRAẞE', 'ß', 'İz', 'a_b', '50%', 'x\\y'];
const CATEGORIES = ['Dogs', 'dogs', 'Cats', 'Ünicorns'];
const TAGS = ['friendly', 'Friendly', 'small', 'ünique'];

const name = fc
  .array(fc.constantFrom(...NAME_PARTS), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join(' '));
const category = fc.option(fc.constantFrom(...CATEGORIES).map((categoryName) => ({ name: categoryName })));
const tags = fc
  .uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 })
  .map((names) => names.map((n) => ({ name: n })));
const status = fc.constantFrom(...STATUSES);

type Write =
  | {
      kind: 'create';
      name: string;
      category: { name: string } | null;
      tags: { name: string }[];
      status: PetStatus;
    }
  | { kind: 'patch'; pick: number; patch: Record<string, unknown> }
  | { kind: 'delete'; pick: number }
  | { kind: 'renameCategory'; pick: number; name: string };

const write: fc.Arbitrary<Write> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), name, category, tags, status }),
  fc.record({
    kind: fc.constant('patch' as const),
    pick: fc.nat(),
    patch: fc.record({ name, category, tags, status }, { requiredKeys: [] }),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('renameCategory' as const),
    pick: fc.nat(),
    name: fc.constantFrom(...CATEGORIES, 'Birds', 'birds'),
  }),
);

const query: fc.Arbitrary<Omit<PetListQuery, 'cursor'>> = fc.record(
  {
    limit: fc.integer({ min: 1, max: 7 }),
    status: fc.uniqueArray(status, { minLength: 1, maxLength: 3 }),
    tags: fc.uniqueArray(fc.constantFrom(...TAGS, 'none'), { minLength: 1, maxLength: 2 }),
    category: fc.constantFrom(...CATEGORIES, 'Birds'),
    name: fc.constantFrom('rex', 'REX', 'é', 'É', 'ß', 'ss', 'i̇', 'İ', '_', '%', '\\', 'x'),
  },
  { requiredKeys: ['limit'] },
);

let t: TestApp;
let database: CatalogReads;

beforeAll(async () => {
  t = await startTestApp();
  database = databaseReads();
});

/** The same reads without a catalog loaded, over the app's database: every answer comes from SQL. */
function databaseReads(): CatalogReads {
  const { services, database: handle } = t.app;
  return new CatalogReads(
    services.transactor,
    new PetsRepository(handle.engine),
    services.feed.reader(handle.db),
    { maxPets: 1_000_000, minSeqWaitMs: 0 },
    () => {},
  );
}
afterAll(() => t.close());

async function apply(step: Write): Promise<void> {
  const { pets, categories, catalog } = t.app.services;
  const ids = (await catalog.findByStatus(STATUSES)).data.map((pet) => pet.id);
  const pick = (index: number) => ids[index % ids.length] as number;
  try {
    if (step.kind === 'create') await pets.create(ADMIN, { ...step, photoUrls: [] });
    else if (ids.length === 0) return;
    else if (step.kind === 'patch') await pets.patch(ADMIN, pick(step.pick), step.patch, undefined);
    else if (step.kind === 'delete') await pets.delete(ADMIN, pick(step.pick), undefined);
    else {
      const named = (await catalog.get(pick(step.pick))).data.category;
      if (named) await categories.rename(ADMIN, named.id, { name: step.name });
    }
  } catch (error) {
    // A rename onto a name in use is refused (409): the state stays as it was, which is still a case to compare.
    if ((error as { statusCode?: number }).statusCode !== 409) throw error;
  }
}

/** The catalog's answer: it must come from memory (a JSON body kept), not from a fallback to the database. */
function fromMemory<T>(answer: AtSeq<T>): AtSeq<T> {
  expect(t.app.services.catalog.source.source).toBe('memory');
  expect(answer.json).toBeDefined();
  expect(JSON.parse(answer.json as string)).toEqual(answer.data);
  return answer;
}

async function expectSameAnswers(filters: Omit<PetListQuery, 'cursor'>[]): Promise<void> {
  const { catalog } = t.app.services;
  for (const filter of filters) {
    let cursor: string | undefined;
    do {
      const pageQuery = { ...filter, cursor };
      const memory = fromMemory(await catalog.list(pageQuery));
      const sql = await database.list(pageQuery);
      expect({ data: memory.data, seq: memory.seq }).toEqual(sql);
      cursor = memory.data.nextCursor ?? undefined;
    } while (cursor);
    if (filter.status)
      expect(fromMemory(await catalog.findByStatus(filter.status))).toMatchObject(
        await database.findByStatus(filter.status),
      );
    if (filter.tags)
      expect(fromMemory(await catalog.findByTags(filter.tags))).toMatchObject(
        await database.findByTags(filter.tags),
      );
  }
  expect(await catalog.inventory()).toEqual(await database.inventory());
  for (const pet of (await database.findByStatus(STATUSES)).data) {
    expect(fromMemory(await catalog.get(pet.id)).data).toEqual(pet);
  }
}

describe('the in-memory catalog', () => {
  it('answers every catalog query exactly as SQL does, after any sequence of writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(write, { minLength: 1, maxLength: 25 }),
        fc.array(query, { minLength: 1, maxLength: 8 }),
        async (writes, filters) => {
          for (const step of writes) await apply(step);
          await expectSameAnswers([{ limit: 5 }, ...filters]);
        },
      ),
      { numRuns: 30 },
    );
  }, 180_000);

  it('is rebuilt from one snapshot on restart, at the seq the database is at', async () => {
    await apply({ kind: 'create', name: 'Émile', category: { name: 'Dogs' }, tags: [], status: 'sold' });
    const before = t.app.services.catalog.source;
    expect(before).toMatchObject({ source: 'memory', pets: expect.any(Number) });
    await t.restart();
    expect(t.app.services.catalog.source).toEqual(before);
    database = databaseReads();
    await expectSameAnswers([{ limit: 3 }, { limit: 2, name: 'é' }]);
  });
});
