import fp from 'fastify-plugin';
import { TokenInvalidError } from '../errors.js';
import './fastify-decorations.js';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;
const TOKEN = /^([A-Za-z0-9._~+/=-]+)$/;

/**
 * Resolves `Authorization: Bearer <token>` (or, where a route accepts it, an `api_key: <token>` header) to
 * `request.principal` on every request that sends one.
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
      const apiKey = header === undefined ? request.headers.api_key : undefined;
      // The route's options are looked at only for a request that sends an api_key and no Authorization.
      if (header === undefined && (apiKey === undefined || !request.routeOptions.config.acceptsApiKey)) {
        return done();
      }
      const match = header !== undefined ? BEARER.exec(header) : TOKEN.exec(String(apiKey));
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
