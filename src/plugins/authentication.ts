import fp from 'fastify-plugin';
import { TokenInvalidError } from '../errors.js';
import './fastify-decorations.js';

/**
 * Resolves `Authorization: Bearer <token>` to `request.principal` on every request that sends one.
 * A token that is sent but bad is refused (401) even on public routes; services decide what each caller may do.
 */
export default fp(
  async (app) => {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (header === undefined) return;
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
      try {
        if (!match) throw new TokenInvalidError();
        request.principal = await app.services.auth.authenticate(match[1] as string);
      } catch (error) {
        app.metrics.tokenRejected((error as { code?: string }).code ?? 'UNKNOWN');
        throw error;
      }
    });
  },
  { name: 'authentication', dependencies: ['services', 'metrics'] },
);
