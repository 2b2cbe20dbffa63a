import fp from 'fastify-plugin';
import { ServiceMetrics } from '../metrics/service-metrics.js';
import { ActionPayloadSchemas } from '../schemas/ws.js';
import './fastify-decorations.js';

/**
 * The service's metrics (one registry per app, so several apps in one process never share counters), HTTP
 * request metrics by route template, and `GET /metrics` in the Prometheus text format.
 */
export default fp(
  async (app) => {
    const metrics = new ServiceMetrics(app.config.nodeId, new Set(Object.keys(ActionPayloadSchemas)));
    app.decorate('metrics', metrics);

    app.addHook('onResponse', (request, reply, done) => {
      // The template (`/api/v1/pets/:id`), never the raw URL, so label values stay few; unknown paths share one.
      metrics.httpRequest(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });

    app.get(
      '/metrics',
      { config: { rateLimit: false, servedUnderPressure: true }, schema: { hide: true } },
      async (_request, reply) => {
        reply.type(metrics.registry.contentType);
        return metrics.registry.metrics();
      },
    );
  },
  { name: 'metrics' },
);
