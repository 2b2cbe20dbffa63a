import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { ChangeFeed } from './change-feed.js';

export interface RetentionOptions {
  /** Events always kept, for replay. */
  retention: number;
  intervalMs: number;
  /** Events kept beyond `retention` for a webhook that is behind (WEBHOOK_MAX_BACKLOG). */
  maxBacklog: number;
}

/**
 * Keeps the newest `retention` events for replay, and those a webhook has yet to be sent (up to `maxBacklog`
 * behind the newest), deleting older ones every `intervalMs`. Returns a stop.
 */
export function startPruning(
  feed: ChangeFeed,
  db: Kysely<Database>,
  options: RetentionOptions,
  oldestWebhookCursor: () => Promise<number | undefined>,
  log: FastifyBaseLogger,
): () => void {
  const keep = async () => {
    const [newest, owedFrom] = await Promise.all([feed.currentSeq(db), oldestWebhookCursor()]);
    if (owedFrom === undefined) return options.retention;
    return Math.max(options.retention, Math.min(newest - owedFrom, options.maxBacklog));
  };
  const timer = setInterval(() => {
    keep()
      .then((count) => feed.prune(db, count))
      .then(
        (deleted) => deleted > 0 && log.debug({ deleted }, 'pruned old change events'),
        (error) => log.warn({ err: error }, 'could not prune change events'),
      );
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
