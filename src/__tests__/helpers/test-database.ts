import { randomBytes } from 'node:crypto';
import pg from 'pg';

declare const TEST_DB: 'sqlite' | 'postgres' | undefined;

/** The engine this Jest project runs against (see jest.config.js). */
export const engine: 'sqlite' | 'postgres' = typeof TEST_DB === 'undefined' ? 'sqlite' : TEST_DB;

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** DATABASE_URL for the app, or undefined for SQLite under DATA_DIR. */
  url: string | undefined;
  drop(): Promise<void>;
}

/** On PostgreSQL every test app gets a database of its own, so suites never see each other's rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (engine === 'sqlite') return { url: undefined, drop: async () => {} };
  const name = `petstore_test_${randomBytes(6).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}
