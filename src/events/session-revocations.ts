import { EventEmitter } from 'node:events';

/** A session, or every session of a user (but one), that must be refused from now on. */
export type Revocation = { sessionId: string } | { userId: number; exceptSessionId?: string };

/** Where a revocation was decided: on this node, or on another node of the cluster. */
export type RevocationOrigin = 'local' | 'remote';

/**
 * Tells open connections that sessions ended (logout, refresh-token reuse, new password, deleted user),
 * so that a socket authenticated by such a session loses it at once. In a cluster, local revocations are
 * forwarded to the other nodes, which publish them here as `remote`.
 */
export class SessionRevocations {
  private readonly emitter = new EventEmitter();

  publish(revocation: Revocation, origin: RevocationOrigin = 'local'): void {
    this.emitter.emit('revoked', revocation, origin);
  }

  subscribe(listener: (revocation: Revocation, origin: RevocationOrigin) => void): () => void {
    this.emitter.on('revoked', listener);
    return () => this.emitter.off('revoked', listener);
  }
}

export function revokes(revocation: Revocation, session: { sessionId: string; userId: number }): boolean {
  if ('sessionId' in revocation) return revocation.sessionId === session.sessionId;
  return revocation.userId === session.userId && revocation.exceptSessionId !== session.sessionId;
}
