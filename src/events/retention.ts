import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
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
  oldestWebhookCursor: (tx: Transaction<Database>) => Promise<number | undefined>,
  log: FastifyBaseLogger,
): () => void {
  const timer = setInterval(() => {
    pruneOnce(feed, db, options, oldestWebhookCursor).then(
      (deleted) => deleted > 0 && log.debug({ deleted }, 'pruned old change events'),
      (error) => log.warn({ err: error }, 'could not prune change events'),
    );
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * One pass, in one transaction: deletes what is older than the newest `retention` events and than what webhooks owe
 * (within `maxBacklog`); returns how many went. The bound is fixed from one reading of the newest seq, taken first:
 * writes committed later in the pass only add newer events, which it keeps. `oldestWebhookCursor` holds the
 * webhooks' cursors until the pass commits, so none moves back under it.
 */
export async function pruneOnce(
  feed: ChangeFeed,
  db: Kysely<Database>,
  options: Pick<RetentionOptions, 'retention' | 'maxBacklog'>,
  oldestWebhookCursor: (tx: Transaction<Database>) => Promise<number | undefined>,
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const newest = await feed.currentSeq(tx);
    const owedFrom = await oldestWebhookCursor(tx);
    const pastRetention = newest - options.retention;
    const through =
      owedFrom === undefined
        ? pastRetention
        : Math.min(pastRetention, Math.max(owedFrom, newest - options.maxBacklog));
    return feed.pruneThrough(tx, through);
  });
}
