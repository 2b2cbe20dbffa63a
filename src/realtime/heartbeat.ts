import type { ClientConnection } from './client-connection.js';

/**
 * Pings every connection each interval; one that has not answered (or sent anything) since the last ping is
 * dropped. Returns a stop.
 */
export function startHeartbeat(connections: Iterable<ClientConnection>, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) connection.terminate();
      else connection.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
