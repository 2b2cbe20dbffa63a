import fastifyCors from '@fastify/cors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import './fastify-decorations.js';

const HELMET_OPTIONS: HelmetOptions = {
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
};

/**
 * The headers helmet sets, computed once: they do not depend on the request. (@fastify/helmet builds a new
 * helmet instance for every request, which cost more than the rest of a cached read.)
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string) => (headers[name] = value),
    removeHeader: () => undefined,
  };
  helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * Security headers on every response (helmet) with a Content-Security-Policy that Swagger UI works under
 * (its scripts are files of this origin; it needs inline styles and data: images), and CORS from CORS_ORIGIN.
 */
export default fp(
  async (app) => {
    const headers = helmetHeaders(HELMET_OPTIONS);
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
    const origin = app.config.corsOrigin;
    if (origin) {
      await app.register(fastifyCors, {
        origin,
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowedHeaders: [
          'Authorization',
          'Content-Type',
          'If-Match',
          'If-None-Match',
          'X-Min-Event-Seq',
          'X-Request-Id',
        ],
        exposedHeaders: ['ETag', 'Location', 'X-Event-Seq', 'X-Request-Id', 'X-Expires-After', 'Retry-After'],
        maxAge: 600,
      });
    }
  },
  { name: 'security-headers' },
);
