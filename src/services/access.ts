import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { Role } from '../schemas/users.js';

/** Who is calling: resolved from a valid access token and its live session. */
export interface Principal {
  userId: number;
  username: string;
  role: Role;
  sessionId: string;
  /** When the access token that identified the caller expires (epoch ms). */
  expiresAt: number;
}

/** The caller, or null when anonymous. Services decide access; both doors (REST, WebSocket) pass it in. */
export type Actor = Principal | null;

export function requireUser(actor: Actor): Principal {
  if (!actor) throw new UnauthenticatedError();
  return actor;
}

export function requireAdmin(actor: Actor): Principal {
  const principal = requireUser(actor);
  if (principal.role !== 'admin') throw new ForbiddenError('Only an admin may do this');
  return principal;
}

export function isAdmin(actor: Actor): boolean {
  return actor?.role === 'admin';
}
