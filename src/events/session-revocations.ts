import { EventEmitter } from 'node:events';

/** A session, or every session of a user (but one), that must be refused from now on. */
export type Revocation = { sessionId: string } | { userId: number; exceptSessionId?: string };

/**
 * Tells open connections that sessions ended (logout, refresh-token reuse, new password, deleted user),
 * so that a socket authenticated by such a session loses it at once.
 */
export class SessionRevocations {
  private readonly emitter = new EventEmitter();

  publish(revocation: Revocation): void {
    this.emitter.emit('revoked', revocation);
  }

  subscribe(listener: (revocation: Revocation) => void): () => void {
    this.emitter.on('revoked', listener);
    return () => this.emitter.off('revoked', listener);
  }
}

export function revokes(revocation: Revocation, session: { sessionId: string; userId: number }): boolean {
  if ('sessionId' in revocation) return revocation.sessionId === session.sessionId;
  return revocation.userId === session.userId && revocation.exceptSessionId !== session.sessionId;
}
