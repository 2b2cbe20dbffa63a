import fp from 'fastify-plugin';
import { LiveFeed } from '../realtime/live-feed.js';
import './fastify-decorations.js';

/**
 * The node's one in-order stream of the change feed (`app.liveFeed`). It starts at the snapshot the pet catalog
 * loads, and the catalog is its first consumer: every event is applied to the catalog before any subscriber
 * hears of it (the gateway consumes next), so a client that reads after a notification sees the change.
 */
export default fp(
  async (app) => {
    const { catalog, feed } = app.services;
    const startAfter = await catalog.load();
    const live = await LiveFeed.start(feed, feed.reader(app.database.db), startAfter, {
      onBackfill: () => app.metrics.backfilled(),
      onError: (error) => app.log.error({ err: error }, 'could not backfill the change feed'),
    });
    live.consume((event) => catalog.apply(event));
    await live.catchUp(); // what was committed between the snapshot and listening
    app.decorate('liveFeed', live);
    app.addHook('onClose', (_app, done) => {
      live.stop();
      done();
    });
  },
  { name: 'live-feed', dependencies: ['services', 'metrics'] },
);
