import { revokes, type Revocation } from '../events/session-revocations.js';
import type { Principal } from '../services/access.js';
import type { AuthService } from '../services/auth-service.js';
import type { Respond } from './action-dispatcher.js';
import type { ClientConnection } from './client-connection.js';
import type { ConnectionRegistry } from './connection-registry.js';
import { notificationFrame } from './frames.js';
import type { SubscriptionRegistry } from './subscription-registry.js';
import { isRestrictedTopic } from '../live/resources.js';

/**
 * Who each socket is: sign-in on the upgrade or in-band, the session's end when its token expires or it is
 * revoked (on this node, over pub/sub, or found in the database), and the private topics that go with it.
 */
export class SocketSessions {
  constructor(
    private readonly auth: AuthService,
    private readonly connections: ConnectionRegistry,
    private readonly subscriptions: SubscriptionRegistry,
  ) {}

  async authenticate(connection: ClientConnection, token: string, respond: Respond): Promise<void> {
    const principal = await this.auth.authenticate(token);
    if (connection.actor && connection.actor.userId !== principal.userId) {
      // Private subscriptions were granted to the previous user.
      this.subscriptions.remove(connection, [...connection.stream.topics].filter(isRestrictedTopic));
    }
    this.adopt(connection, principal);
    respond({
      userId: principal.userId,
      username: principal.username,
      role: principal.role,
      expiresAt: new Date(principal.expiresAt).toISOString(),
    });
  }

  /** Makes the principal the connection's caller until its token expires. */
  adopt(connection: ClientConnection, principal: Principal): void {
    connection.actor = principal;
    connection.scheduleExpiry(principal.expiresAt, () => this.end(connection, 'expired'));
  }

  /** Ends the sessions of sockets that a revocation names. */
  revoke(revocation: Revocation): void {
    for (const connection of this.connections) {
      if (connection.actor && revokes(revocation, connection.actor)) this.end(connection, 'revoked');
    }
  }

  /** Ends the sessions of sockets whose session was revoked meanwhile: for when revocations could not arrive. */
  async revalidate(): Promise<void> {
    const signedIn = [...this.connections].filter((connection) => connection.actor);
    if (signedIn.length === 0) return;
    const sessionIds = [...new Set(signedIn.map((connection) => connection.actor?.sessionId as string))];
    const live = await this.auth.liveSessions(sessionIds);
    for (const connection of signedIn) {
      const sessionId = connection.actor?.sessionId;
      if (sessionId !== undefined && !live.has(sessionId)) this.end(connection, 'revoked');
    }
  }

  private end(connection: ClientConnection, reason: 'expired' | 'revoked'): void {
    if (!connection.actor) return;
    connection.actor = null;
    connection.cancelExpiry();
    const dropped = [...connection.stream.topics].filter(isRestrictedTopic);
    this.subscriptions.remove(connection, dropped);
    connection.sendResponse(
      notificationFrame('session.expired', { reason, droppedTopics: dropped, seq: connection.stream.cursor }),
    );
  }
}
