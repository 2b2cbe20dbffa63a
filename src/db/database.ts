import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CamelCasePlugin,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import { migrationsFor } from './migrations/index.js';
import type { Database } from './types.js';

export type Engine = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** A short description for logs, without credentials. */
  location: string;
  /** One round trip to the database: rejects when it is unreachable. */
  ping(): Promise<void>;
}

const INT8_OID = 20;

function openPostgres(url: string, onConnectionError: (error: Error) => void): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // seq and counts are int8; they stay far below 2^53, so plain numbers are safe and simpler for callers.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text'),
    },
  });
  // A connection the server ends (restart, failover, admin) emits 'error' on its client, idle in the pool or
  // checked out between two queries (mid-transaction, or before its release); the pool re-emits an idle one's.
  // Unheard, either would crash the process: each client reports its own, once, and the pool's copy is only
  // heard. The query in flight fails on its own; the pool drops the broken connection and opens another.
  pool.on('connect', (client) => client.on('error', onConnectionError));
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew, and better-sqlite3 parses the SQL each time; the service sends the same
 * few hundred statements over and over, so the same SQL text gets the same prepared statement. Safe because
 * better-sqlite3 runs statements synchronously and nothing here iterates a result lazily.
 */
function withStatementCache(file: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => file.close(),
    prepare: (text: string) => {
      let statement = statements.get(text);
      if (!statement) {
        statement = file.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE)
          statements.delete(statements.keys().next().value as string);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

function openSqlite(dataDir: string): Kysely<Database> {
  mkdirSync(dataDir, { recursive: true });
  const file = new SqliteDatabase(join(dataDir, 'petstore.sqlite'));
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(file) }),
    plugins: [new CamelCasePlugin()],
  });
}

export function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  onConnectionError: (error: Error) => void;
}): DatabaseHandle {
  if (options.databaseUrl) {
    const { host, pathname } = new URL(options.databaseUrl);
    const db = openPostgres(options.databaseUrl, options.onConnectionError);
    return { db, engine: 'postgres', location: `postgres://${host}${pathname}`, ping: () => ping(db) };
  }
  const db = openSqlite(options.dataDir);
  return { db, engine: 'sqlite', location: join(options.dataDir, 'petstore.sqlite'), ping: () => ping(db) };
}

export async function migrateToLatest(handle: DatabaseHandle): Promise<void> {
  const migrations = migrationsFor(handle.engine);
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => migrations },
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

/** Round-trips a trivial query; used by /health and /ready. */
async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
