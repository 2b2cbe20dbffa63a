import { readFile } from 'node:fs/promises';
import fastifyJwt from '@fastify/jwt';
import fp from 'fastify-plugin';
import { TokenExpiredError, TokenInvalidError } from '../errors.js';
import type { TokenSigner, VerifiedClaims } from '../services/auth-service.js';
import './fastify-decorations.js';

/** Access tokens: @fastify/jwt with the configured algorithm, behind the `TokenSigner` the services use. */
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
    app.decorate('tokenSigner', signer);
  },
  { name: 'jwt' },
);
