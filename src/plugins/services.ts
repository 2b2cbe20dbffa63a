import fp from 'fastify-plugin';
import { createServices } from '../services/container.js';
import './fastify-decorations.js';

/** Builds the services over the database, for both doors. */
export default fp(
  async (app) => {
    // The node registry comes later (plugins/cluster.ts), before the first request.
    const liveNodes = () => app.cluster.registry.list();
    const services = createServices(
      app.database,
      app.config,
      app.tokenSigner,
      app.redisBreaker,
      app.metrics,
      liveNodes,
      (pets, maxPets) =>
        app.log.warn(
          { pets, maxPets },
          'the pet catalog is over CATALOG_MAX_PETS: this node reads pets from the database until it restarts',
        ),
      app.log,
    );
    app.decorate('services', services);
    services.feed.onCommitted((event) => app.metrics.eventCommitted(event));
    app.metrics.observe('auth_sessions_active', () => services.auth.countLiveSessions().catch(() => 0));
    const { catalog } = services;
    app.metrics.observe('catalog_pets', () => (catalog.source.source === 'memory' ? catalog.source.pets : 0));
    app.metrics.observe('catalog_lag_events', () =>
      catalog.lag().then(
        (lag) => lag.events,
        () => undefined,
      ),
    );
    app.metrics.observe('catalog_lag_seconds', () =>
      catalog.lag().then(
        (lag) => lag.seconds,
        () => undefined,
      ),
    );
  },
  { name: 'services', dependencies: ['database', 'redis', 'metrics', 'jwt'] },
);
