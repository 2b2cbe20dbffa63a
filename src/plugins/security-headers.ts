import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fp from 'fastify-plugin';
import './fastify-decorations.js';

/**
 * Security headers on every response (helmet) with a Content-Security-Policy that Swagger UI works under
 * (its scripts are files of this origin; it needs inline styles and data: images), and CORS from CORS_ORIGIN.
 */
export default fp(
  async (app) => {
    await app.register(fastifyHelmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'https:'],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      // The API is called cross-origin by design when CORS_ORIGIN allows it.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    });
    const origin = app.config.corsOrigin;
    if (origin) {
      await app.register(fastifyCors, {
        origin,
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'X-Request-Id'],
        exposedHeaders: ['ETag', 'Location', 'X-Event-Seq', 'X-Request-Id', 'X-Expires-After', 'Retry-After'],
        maxAge: 600,
      });
    }
  },
  { name: 'security-headers' },
);
