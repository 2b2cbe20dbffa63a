import type { Kysely, Transaction } from 'kysely';
import type { Database } from './types.js';

/** Anything a repository can run SQL on: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
