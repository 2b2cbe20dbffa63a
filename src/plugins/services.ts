import { readFile } from 'node:fs/promises';
import fastifyJwt from '@fastify/jwt';
import fp from 'fastify-plugin';
import { TokenExpiredError, TokenInvalidError } from '../errors.js';
import type { TokenSigner, VerifiedClaims } from '../services/auth-service.js';
import { createServices } from '../services/container.js';
import { seedDemoPets } from '../services/demo-data.js';
import './fastify-decorations.js';

/** Builds the services over the database and prepares first-start data (admin, demo pets). */
export default fp(
  async (app) => {
    const { jwt } = app.config;
    // Only the configured algorithm verifies: an RS256 public key can never be used as an HMAC secret.
    const secret =
      jwt.algorithm === 'RS256' && jwt.keyFiles
        ? { private: await readFile(jwt.keyFiles.private), public: await readFile(jwt.keyFiles.public) }
        : jwt.secret;
    await app.register(fastifyJwt, {
      secret,
      sign: { algorithm: jwt.algorithm, iss: jwt.issuer, aud: jwt.audience },
      verify: {
        algorithms: [jwt.algorithm],
        allowedIss: jwt.issuer,
        allowedAud: jwt.audience,
        requiredClaims: ['iss', 'aud', 'sub', 'sid', 'exp'],
        // A token verified once is not verified again until it expires (fast-jwt's LRU, bounded by `exp`): the
        // session row, read on every request, is what revocation checks.
        cache: true,
      },
    });
    const signer: TokenSigner = {
      sign: (claims, seconds) => app.jwt.sign(claims, { expiresIn: `${seconds}s` }),
      verify: (token) => {
        let claims: Partial<VerifiedClaims>;
        try {
          claims = app.jwt.verify<Partial<VerifiedClaims>>(token);
        } catch (error) {
          if ((error as { code?: string }).code === 'FAST_JWT_EXPIRED') throw new TokenExpiredError();
          throw new TokenInvalidError();
        }
        if (
          typeof claims.sub !== 'string' ||
          typeof claims.sid !== 'string' ||
          typeof claims.exp !== 'number'
        ) {
          throw new TokenInvalidError();
        }
        return { sub: claims.sub, sid: claims.sid, exp: claims.exp };
      },
    };
    const services = createServices(app.database, app.config, signer, app.redisBreaker, app.metrics);
    app.decorate('services', services);
    services.feed.onCommitted((event) => app.metrics.eventCommitted(event));
    app.metrics.gauge('auth_sessions_active', 'Sessions neither revoked nor expired', () =>
      services.auth.countLiveSessions().catch(() => 0),
    );

    const { admin, seedDemoData } = app.config;
    if (admin && (await services.users.ensureAdmin(admin.username, admin.password))) {
      app.log.info({ username: admin.username }, 'created the first admin from ADMIN_USERNAME');
    }
    if (seedDemoData && app.database.engine === 'sqlite') {
      const seeded = await seedDemoPets(services);
      if (seeded > 0) app.log.info({ pets: seeded }, 'seeded demo pets into the new database');
    }
  },
  { name: 'services', dependencies: ['database', 'redis', 'metrics'] },
);
