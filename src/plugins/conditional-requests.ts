import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { contentTag, noneMatch, parseIfMatch } from '../services/preconditions.js';
import './fastify-decorations.js';

/**
 * Conditional requests (RFC 9110), for every route:
 * - `If-Match` is read once: `request.expectedVersions` is what it accepts, handed to the service, which compares
 *   it with the current version (412 PRECONDITION_FAILED);
 * - every successful JSON read carries an `ETag` (a resource's own version, else a digest of the body, so a list's
 *   tag changes exactly when what it shows does) and `Cache-Control: no-cache`; an `If-None-Match` that matches is
 *   answered 304 with the same headers, `X-Event-Seq` included, and no body.
 */
export default fp(
  async (app) => {
    app.decorateRequest('expectedVersions', {
      getter(this: FastifyRequest) {
        return parseIfMatch(this.headers['if-match']);
      },
    });

    app.addHook('onSend', (request, reply, payload, done) => {
      const isRead = request.method === 'GET' || request.method === 'HEAD';
      const body = typeof payload === 'string' || Buffer.isBuffer(payload);
      if (!isRead || reply.statusCode !== 200 || !body) return done(null, payload);
      if (!reply.hasHeader('etag')) reply.header('etag', contentTag(payload as string | Buffer));
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-cache');
      if (!noneMatch(request.headers['if-none-match'], String(reply.getHeader('etag')))) {
        return done(null, payload);
      }
      reply.code(304).removeHeader('content-type');
      done(null, null);
    });
  },
  { name: 'conditional-requests' },
);
