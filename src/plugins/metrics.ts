import fp from 'fastify-plugin';
import { collectDefaultMetrics, Registry } from 'prom-client';
import './fastify-decorations.js';

/**
 * The Prometheus registry of this app (one per app, so several apps in one process never share counters),
 * labelled with the node id, and `GET /metrics` in the text exposition format.
 */
export default fp(
  async (app) => {
    const registry = new Registry();
    registry.setDefaultLabels({ node: app.config.nodeId });
    collectDefaultMetrics({ register: registry });
    app.decorate('metrics', registry);

    app.get('/metrics', { config: { rateLimit: false }, schema: { hide: true } }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics' },
);
