// Whether something listens at host:port (a TCP connect within a second); used by jest.config.js and the
// benchmarks to find PostgreSQL and Redis at their local addresses.
import { Socket } from 'node:net';

export function reachable({ host, port }) {
  const socket = new Socket();
  return new Promise((resolve) => {
    socket.setTimeout(1000);
    socket.once('connect', () => resolve(true));
    socket.once('timeout', () => resolve(false));
    socket.once('error', () => resolve(false));
    socket.connect(port, host);
  }).finally(() => socket.destroy());
}
