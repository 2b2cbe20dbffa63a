import { createQueryId, type Compilable, type CompiledQuery } from 'kysely';
import type { Executor } from './executor.js';

/** Stands in for a parameter while the query is compiled; each use becomes a bound parameter. */
class Placeholder {
  constructor(readonly name: string) {}
}

interface Compiled {
  query: CompiledQuery;
  /** For each bound parameter, the name of the placeholder it came from, or undefined for a constant. */
  slots: Array<string | undefined>;
}

/**
 * A query built and compiled once, then run with new parameter values. Kysely builds and compiles a query on
 * every call, which for a point read costs several times what the database takes to answer it.
 * `build` gets placeholders in place of the parameters and may only pass them on as values (in a `where`,
 * a `limit`, …), never inspect them: the SQL it produces must not depend on them.
 */
export class ReusableQuery<Params extends Record<string, unknown>, Row> {
  private compiled: Compiled | undefined;

  constructor(
    private readonly names: ReadonlyArray<keyof Params & string>,
    private readonly build: (db: Executor, params: Params) => Compilable<Row>,
  ) {}

  async execute(db: Executor, params: Params): Promise<Row[]> {
    const { query, slots } = (this.compiled ??= this.compile(db));
    const parameters = query.parameters.map((value, index) => {
      const name = slots[index];
      return name === undefined ? value : params[name];
    });
    const result = await db.executeQuery<Row>({ ...query, queryId: createQueryId(), parameters });
    return result.rows;
  }

  /** The first row; throws when there is none (a row the schema guarantees, such as the event counter). */
  async executeTakeFirstOrThrow(db: Executor, params: Params): Promise<Row> {
    const [row] = await this.execute(db, params);
    if (row === undefined) throw new Error(`no row for: ${this.compiled?.query.sql}`);
    return row;
  }

  private compile(db: Executor): Compiled {
    const placeholders = Object.fromEntries(this.names.map((name) => [name, new Placeholder(name)]));
    const query = this.build(db, placeholders as unknown as Params).compile();
    const slots = query.parameters.map((value) => (value instanceof Placeholder ? value.name : undefined));
    const unused = this.names.filter((name) => !slots.includes(name));
    if (unused.length > 0) throw new Error(`placeholders not bound by the query: ${unused.join(', ')}`);
    return { query, slots };
  }
}

/**
 * Reusable queries for a query whose SQL depends on its input only through which parameters it has (a list with
 * optional filters, an insert of a few rows): one compiled query per set of parameter names, the `keep` most
 * recently added kept. `build` may look at which names it got, never at their values.
 */
export class ShapedQueries<Row> {
  private readonly byShape = new Map<string, ReusableQuery<Record<string, unknown>, Row>>();

  constructor(
    private readonly keep: number,
    private readonly build: (db: Executor, params: Record<string, unknown>) => Compilable<Row>,
  ) {}

  execute(db: Executor, params: Record<string, unknown>): Promise<Row[]> {
    const names = Object.keys(params);
    const shape = names.join(',');
    let query = this.byShape.get(shape);
    if (!query) {
      if (this.byShape.size >= this.keep) this.byShape.delete(this.byShape.keys().next().value as string);
      query = new ReusableQuery(names, this.build);
      this.byShape.set(shape, query);
    }
    return query.execute(db, params);
  }
}
