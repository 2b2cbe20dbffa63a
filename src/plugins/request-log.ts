import fp from 'fastify-plugin';
import { logsAtInfo } from '../log-levels.js';
import './fastify-decorations.js';

/**
 * One log line per answered request with what an operator searches by: the request id (`reqId`, bound to
 * the request's logger), method and URL (secrets in the query redacted by the `req` serializer), the route
 * template, status, duration, and the signed-in user's id when there is one.
 */
export default fp(
  async (app) => {
    // LOG_LEVEL is fixed at start: above info, the hook is not registered at all (no per-request work).
    if (!logsAtInfo(app.log.level)) return;
    app.addHook('onResponse', (request, reply, done) => {
      request.log.info(
        {
          req: request,
          route: request.routeOptions.url ?? null,
          statusCode: reply.statusCode,
          durationMs: Math.round(reply.elapsedTime * 10) / 10,
          userId: request.principal?.userId ?? null,
        },
        'request completed',
      );
      done();
    });
  },
  { name: 'request-log' },
);
