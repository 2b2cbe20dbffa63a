import fp from 'fastify-plugin';
import { startPruning } from '../events/retention.js';
import './fastify-decorations.js';

/** Keeps the newest EVENT_RETENTION events, pruning the rest every EVENT_PRUNE_INTERVAL_MS. */
export default fp(
  async (app) => {
    const { events } = app.config;
    const stopPruning = startPruning(
      app.services.feed,
      app.database.db,
      { retention: events.retention, intervalMs: events.pruneIntervalMs },
      app.log,
    );
    app.addHook('onClose', async () => stopPruning());
  },
  { name: 'event-retention', dependencies: ['services'] },
);
