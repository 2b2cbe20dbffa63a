import fp from 'fastify-plugin';
import { startPruning } from '../events/retention.js';
import './fastify-decorations.js';

/**
 * Keeps the newest EVENT_RETENTION events, and those webhooks still owe (up to WEBHOOK_MAX_BACKLOG), pruning the
 * rest every EVENT_PRUNE_INTERVAL_MS.
 */
export default fp(
  async (app) => {
    const { events, webhooks } = app.config;
    const stopPruning = startPruning(
      app.services.feed,
      app.database.db,
      { retention: events.retention, intervalMs: events.pruneIntervalMs, maxBacklog: webhooks.maxBacklog },
      (tx) => app.services.webhooks.holdOldestCursor(tx),
      app.log,
    );
    app.addHook('onClose', async () => stopPruning());
  },
  { name: 'event-retention', dependencies: ['services'] },
);
