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
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    removeHeader: () => undefined,
  };
  helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * What OWASP's REST Security Cheat Sheet asks of API responses, which no browser renders: nothing may load from
 * them or frame them, no type sniffing, HTTPS only; readable cross-origin as CORS allows (images included).
 */
function apiHeaders(documentHeaders: Record<string, string>): Record<string, string> {
  return {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'strict-transport-security': documentHeaders['strict-transport-security'] as string,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'cross-origin',
  };
}

/**
 * Security headers on every response: pages (Swagger UI, the live board) get helmet's with a
 * Content-Security-Policy they work under (their scripts are files of this origin; Swagger UI needs inline
 * styles and data: images), everything else the API set; and CORS from CORS_ORIGIN.
 */
export default fp(
  async (app) => {
    const documentHeaders = helmetHeaders(HELMET_OPTIONS);
    const headers = apiHeaders(documentHeaders);
    app.addHook('onSend', (_request, reply, payload, done) => {
      const type = reply.getHeader('content-type');
      reply.headers(typeof type === 'string' && type.startsWith('text/html') ? documentHeaders : headers);
      done(null, payload);
    });
    const origin = app.config.corsOrigin;
    if (origin) {
      await app.register(fastifyCors, {
        origin,
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowedHeaders: [
          'Authorization',
          'api_key',
          'Content-Type',
          'If-Match',
          'If-None-Match',
          'X-Min-Event-Seq',
          'X-Request-Id',
        ],
        exposedHeaders: [
          'ETag',
          'Location',
          'X-Event-Seq',
          'X-Request-Id',
          'X-Expires-After',
          'X-Rate-Limit',
          'Retry-After',
        ],
        maxAge: 600,
      });
    }
  },
  { name: 'security-headers' },
);
