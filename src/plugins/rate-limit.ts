import fastifyRateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { RateLimitedError } from '../errors.js';
import './fastify-decorations.js';

/**
 * The global per-client limit (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS, by client address) with the
 * IETF draft RateLimit-* headers and Retry-After. Routes may set a stricter `config.rateLimit`.
 */
export default fp(
  async (app) => {
    const { rateLimit } = app.config;
    await app.register(fastifyRateLimit, {
      global: true,
      max: rateLimit.max,
      timeWindow: rateLimit.windowMs,
      allowList: rateLimit.allowlist,
      keyGenerator: (request) => request.ip,
      enableDraftSpec: true,
      // With Redis every node counts together; a Redis outage lets requests through rather than failing them.
      ...(app.redis
        ? { redis: app.redis, nameSpace: `${app.config.redis?.keyPrefix}rate-limit:`, skipOnError: true }
        : {}),
      errorResponseBuilder: (request, context) => {
        app.metrics.rateLimited(request.routeOptions.config.rateLimitScope ?? 'global');
        return new RateLimitedError(`Too many requests; retry in ${context.after}`);
      },
    });
  },
  { name: 'rate-limit', dependencies: ['redis', 'metrics'] },
);
