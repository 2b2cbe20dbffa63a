import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  RateLimitedError,
  RefreshTokenReusedError,
  SessionRevokedError,
} from '../errors.js';
import type { SessionRevocations } from '../events/session-revocations.js';
import type { AuthAttempt } from '../metrics/service-metrics.js';
import type { SessionsRepository } from '../repositories/sessions-repository.js';
import type { UsersRepository } from '../repositories/users-repository.js';
import type { Credentials, TokenPair } from '../schemas/auth.js';
import { requireUser, type Actor, type Principal } from './access.js';
import type { LoginThrottle } from './login-throttle.js';
import { decoyHash, verifyPassword } from './passwords.js';
import type { Transactor } from './transactor.js';

export interface AccessClaims {
  sub: string;
  sid: string;
}

export interface VerifiedClaims extends AccessClaims {
  /** Expiry, in seconds since the epoch. */
  exp: number;
}

/**
 * Signs and verifies access tokens. Implemented over @fastify/jwt by the auth plugin;
 * `verify` throws TokenExpiredError or TokenInvalidError.
 */
export interface TokenSigner {
  sign(claims: AccessClaims, expiresInSeconds: number): string;
  verify(token: string): VerifiedClaims;
}

export interface AuthSettings {
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
}

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/**
 * Sessions live in the database. A refresh token is `<sessionId>.<secret>`; only the secret's hash is stored.
 * Presenting a secret that is no longer the current one means a token was stolen or replayed: the session ends.
 */
export class AuthService {
  constructor(
    private readonly transactor: Transactor,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly signer: TokenSigner,
    private readonly settings: AuthSettings,
    private readonly revocations: SessionRevocations,
    private readonly throttle: LoginThrottle,
    private readonly observe: (attempt: AuthAttempt) => void = () => {},
  ) {}

  async login(credentials: Credentials, clientIp: string): Promise<TokenPair> {
    try {
      const pair = await this.signIn(credentials, clientIp);
      this.observe({ kind: 'login', result: 'success' });
      return pair;
    } catch (error) {
      this.observe({ kind: 'login', result: error instanceof RateLimitedError ? 'locked' : 'failure' });
      throw error;
    }
  }

  private async signIn(credentials: Credentials, clientIp: string): Promise<TokenPair> {
    await this.throttle.assertAllowed(clientIp, credentials.username);
    const user = await this.transactor.query((db) => this.users.findByUsername(db, credentials.username));
    const valid = await verifyPassword(user?.passwordHash ?? (await decoyHash), credentials.password);
    if (!user || !valid) {
      await this.throttle.recordFailure(clientIp, credentials.username);
      throw new InvalidCredentialsError();
    }
    await this.throttle.recordSuccess(credentials.username);
    const sessionId = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.transactor.write((tx) =>
      this.sessions.insert(tx, {
        id: sessionId,
        userId: user.id,
        refreshTokenHash: hashSecret(secret),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.settings.refreshTokenSeconds * 1000).toISOString(),
      }),
    );
    return this.issue(user.id, sessionId, secret);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    try {
      const pair = await this.rotate(refreshToken);
      this.observe({ kind: 'refresh', result: 'success' });
      return pair;
    } catch (error) {
      this.observe({
        kind: 'refresh',
        result: error instanceof RefreshTokenReusedError ? 'reused' : 'invalid',
      });
      throw error;
    }
  }

  private async rotate(refreshToken: string): Promise<TokenPair> {
    const [sessionId, secret] = refreshToken.split('.');
    if (!sessionId || !secret) throw new InvalidRefreshTokenError();
    const nextSecret = randomBytes(32).toString('base64url');
    const { data: outcome } = await this.transactor.write(async (tx) => {
      const session = await this.sessions.findWithUser(tx, sessionId);
      if (!session || session.revokedAt || session.expiresAt <= new Date().toISOString()) return 'invalid';
      if (await this.sessions.rotate(tx, sessionId, hashSecret(secret), hashSecret(nextSecret))) {
        return { userId: session.userId };
      }
      await this.sessions.revoke(tx, sessionId, new Date().toISOString());
      return 'reused';
    });
    if (outcome === 'invalid') throw new InvalidRefreshTokenError();
    if (outcome === 'reused') {
      this.revocations.publish({ sessionId });
      throw new RefreshTokenReusedError();
    }
    return this.issue(outcome.userId, sessionId, nextSecret);
  }

  async logout(actor: Actor): Promise<void> {
    const principal = requireUser(actor);
    await this.transactor.write((tx) =>
      this.sessions.revoke(tx, principal.sessionId, new Date().toISOString()),
    );
    this.revocations.publish({ sessionId: principal.sessionId });
  }

  /** Resolves an access token to its principal; the session must still be live, so logout takes effect at once. */
  async authenticate(token: string): Promise<Principal> {
    const claims = this.signer.verify(token);
    const session = await this.transactor.query((db) => this.sessions.findWithUser(db, claims.sid));
    if (
      !session ||
      session.revokedAt ||
      session.expiresAt <= new Date().toISOString() ||
      String(session.userId) !== claims.sub
    ) {
      throw new SessionRevokedError();
    }
    return {
      userId: session.userId,
      username: session.username,
      role: session.role,
      sessionId: session.id,
      expiresAt: claims.exp * 1000,
    };
  }

  /** Sessions neither revoked nor expired, across all users. */
  async countLiveSessions(): Promise<number> {
    return this.transactor.query((db) => this.sessions.countLive(db, new Date().toISOString()));
  }

  /** Which of these sessions are still live: for connections that may have missed a revocation. */
  async liveSessions(sessionIds: string[]): Promise<Set<string>> {
    const live = await this.transactor.query((db) =>
      this.sessions.findLive(db, sessionIds, new Date().toISOString()),
    );
    return new Set(live);
  }

  private issue(userId: number, sessionId: string, secret: string): TokenPair {
    const token = this.signer.sign({ sub: String(userId), sid: sessionId }, this.settings.accessTokenSeconds);
    return {
      token,
      tokenType: 'Bearer',
      expiresAfter: new Date(Date.now() + this.settings.accessTokenSeconds * 1000).toISOString(),
      refreshToken: `${sessionId}.${secret}`,
    };
  }
}
