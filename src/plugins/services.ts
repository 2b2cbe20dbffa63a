import fp from 'fastify-plugin';
import { createServices } from '../services/container.js';
import './fastify-decorations.js';

/** Builds the services over the database, for both doors. */
export default fp(
  async (app) => {
    const services = createServices(app.database, app.config, app.tokenSigner, app.redisBreaker, app.metrics);
    app.decorate('services', services);
    services.feed.onCommitted((event) => app.metrics.eventCommitted(event));
    app.metrics.observe('auth_sessions_active', () => services.auth.countLiveSessions().catch(() => 0));
  },
  { name: 'services', dependencies: ['database', 'redis', 'metrics', 'jwt'] },
);
