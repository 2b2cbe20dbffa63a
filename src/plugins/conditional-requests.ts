import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { parseIfMatch } from '../services/preconditions.js';
import './fastify-decorations.js';

/**
 * `If-Match`, read once for every route: `request.expectedVersions` is what the header accepts (RFC 9110),
 * handed to the service, which compares it with the current version (412 PRECONDITION_FAILED).
 */
export default fp(
  async (app) => {
    app.decorateRequest('expectedVersions', {
      getter(this: FastifyRequest) {
        return parseIfMatch(this.headers['if-match']);
      },
    });
  },
  { name: 'conditional-requests' },
);
