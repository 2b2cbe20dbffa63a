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
