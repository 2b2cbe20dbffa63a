import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { ChangeFeed } from './change-feed.js';

/** Keeps the newest `retention` events for replay and deletes older ones every `intervalMs`. Returns a stop. */
export function startPruning(
  feed: ChangeFeed,
  db: Kysely<Database>,
  options: { retention: number; intervalMs: number },
  log: FastifyBaseLogger,
): () => void {
  const timer = setInterval(() => {
    feed.prune(db, options.retention).then(
      (deleted) => deleted > 0 && log.debug({ deleted }, 'pruned old change events'),
      (error) => log.warn({ err: error }, 'could not prune change events'),
    );
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
