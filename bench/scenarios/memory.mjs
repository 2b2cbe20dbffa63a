// Memory per idle subscriber: RSS and heap growth per connection after a forced GC, ours against raw `ws`
// and Socket.IO.
import { round } from '../lib/stats.mjs';
import { startSubscribers } from '../lib/subscribers.mjs';
import { KINDS, startKind } from './fanout.mjs';

export async function memoryScenario({ quick }) {
  const size = quick ? 1000 : 5000;
  const results = [];
  for (const kind of KINDS) {
    const server = await startKind(kind);
    try {
      const before = await server.memory();
      const subscribers = await startSubscribers(
        kind,
        server.http.replace('http', kind === 'socketio' ? 'http' : 'ws'),
        size,
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = await server.memory();
      await subscribers.close();
      results.push({
        kind,
        connections: size,
        rssBytesPerConnection: round((after.rss - before.rss) / size, 0),
        heapBytesPerConnection: round((after.heapUsed - before.heapUsed) / size, 0),
      });
    } finally {
      await server.stop();
    }
  }
  return results;
}
