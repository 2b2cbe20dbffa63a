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
    const refuse = (error: unknown) => {
      app.metrics.tokenRejected((error as { code?: string }).code ?? 'UNKNOWN');
      return error as Error;
    };
    // A callback, not an async hook: the requests that send no token (most reads) must not pay for a promise.
    app.addHook('onRequest', (request, _reply, done) => {
      const header = request.headers.authorization;
      if (header === undefined) return done();
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
      if (!match) return done(refuse(new TokenInvalidError()));
      app.services.auth.authenticate(match[1] as string).then(
        (principal) => {
          request.principal = principal;
          done();
        },
        (error: unknown) => done(refuse(error)),
      );
    });
  },
  { name: 'authentication', dependencies: ['services', 'metrics'] },
);
