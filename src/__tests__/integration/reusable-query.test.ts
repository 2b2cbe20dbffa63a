import { sql } from 'kysely';
import { ReusableQuery, ShapedQueries } from '../../db/reusable-query.js';
import type { Executor } from '../../db/executor.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let db: Executor;
const ids: number[] = [];

beforeAll(async () => {
  t = await startTestApp();
  db = t.app.database.db;
  for (const name of ['Ada', 'Bo', 'Cy']) ids.push((await createPet(t, { name })).id);
});
afterAll(() => t.close());

function petNamesQuery() {
  let builds = 0;
  const query = new ReusableQuery(['from', 'to'], (executor, { from, to }: { from: number; to: number }) => {
    builds += 1;
    return executor
      .selectFrom('pets')
      .select(['id', 'name'])
      .where('id', '>=', from)
      .where('id', '<=', to)
      .where('name', '!=', 'nobody')
      .orderBy('id');
  });
  return { query, builds: () => builds };
}

describe('a query compiled once and run with new values', () => {
  it('binds each run’s values in place of the placeholders, constants kept, and builds only once', async () => {
    const { query, builds } = petNamesQuery();
    const [ada, bo, cy] = ids as [number, number, number];
    expect(await query.execute(db, { from: ada, to: bo })).toEqual([
      { id: ada, name: 'Ada' },
      { id: bo, name: 'Bo' },
    ]);
    expect(await query.execute(db, { from: cy, to: cy })).toEqual([{ id: cy, name: 'Cy' }]);
    expect(await query.execute(db, { from: cy + 1, to: cy + 10 })).toEqual([]);
    expect(builds()).toBe(1);
  });

  it('runs inside a transaction and sees its uncommitted rows', async () => {
    const { query } = petNamesQuery();
    await expect(
      t.app.database.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('pets')
          .set({ name: 'Renamed' })
          .where('id', '=', ids[0] as number)
          .execute();
        const rows = await query.execute(tx, { from: ids[0] as number, to: ids[0] as number });
        expect(rows).toEqual([{ id: ids[0], name: 'Renamed' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await query.execute(db, { from: ids[0] as number, to: ids[0] as number })).toEqual([
      { id: ids[0], name: 'Ada' },
    ]);
  });

  it('binds a placeholder used inside raw SQL and used twice', async () => {
    const query = new ReusableQuery(['n'], (executor, { n }: { n: number }) =>
      executor.selectNoFrom([sql<number>`cast(${n} as integer) + cast(${n} as integer)`.as('twice')]),
    );
    expect(await query.executeTakeFirstOrThrow(db, { n: 4 })).toEqual({ twice: 8 });
    expect(await query.executeTakeFirstOrThrow(db, { n: 21 })).toEqual({ twice: 42 });
  });

  it('refuses a build that leaves a placeholder out of the SQL', async () => {
    const query = new ReusableQuery(['id', 'name'], (executor, { id }: { id: number; name: string }) =>
      executor.selectFrom('pets').select('id').where('id', '=', id),
    );
    await expect(query.execute(db, { id: 1, name: 'x' })).rejects.toThrow(
      'placeholders not bound by the query: name',
    );
  });

  it('says which query found no row when one was required', async () => {
    const { query } = petNamesQuery();
    await expect(query.executeTakeFirstOrThrow(db, { from: -2, to: -1 })).rejects.toThrow(
      /^no row for: select/,
    );
  });
});

describe('queries compiled once per shape', () => {
  function namesQuery(keep: number) {
    let builds = 0;
    const queries = new ShapedQueries(keep, (executor, params) => {
      builds += 1;
      let query = executor.selectFrom('pets').select('name').orderBy('id');
      if ('from' in params) query = query.where('id', '>=', params.from as number);
      if ('name' in params) query = query.where('name', '=', params.name as string);
      return query;
    });
    return { queries, builds: () => builds };
  }

  it('compiles one query per set of parameter names, each run with its own values', async () => {
    const { queries, builds } = namesQuery(10);
    const [ada, bo, cy] = ids as [number, number, number];
    expect(await queries.execute(db, { from: bo })).toEqual([{ name: 'Bo' }, { name: 'Cy' }]);
    expect(await queries.execute(db, { from: cy })).toEqual([{ name: 'Cy' }]);
    expect(await queries.execute(db, { from: ada, name: 'Bo' })).toEqual([{ name: 'Bo' }]);
    expect(await queries.execute(db, { from: ada, name: 'Ada' })).toEqual([{ name: 'Ada' }]);
    expect(builds()).toBe(2);
  });

  it('keeps only the most recent shapes, and compiles a dropped one again when it comes back', async () => {
    const { queries, builds } = namesQuery(1);
    const [ada] = ids as [number];
    await queries.execute(db, { from: ada });
    await queries.execute(db, { name: 'Cy' });
    expect(await queries.execute(db, { from: ada })).toEqual([
      { name: 'Ada' },
      { name: 'Bo' },
      { name: 'Cy' },
    ]);
    expect(builds()).toBe(3);
  });
});
