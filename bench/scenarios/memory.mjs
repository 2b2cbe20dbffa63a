// Memory per idle subscriber: RSS and heap growth per connection after a forced GC, ours against raw `ws`
// and Socket.IO.
import { round } from '../lib/stats.mjs';
import { startSubscribers } from '../lib/subscribers.mjs';
import { KINDS, startKind } from './fanout.mjs';

async function measure(kind, size) {
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
    return {
      kind,
      connections: size,
      rssBytesPerConnection: round((after.rss - before.rss) / size, 0),
      heapBytesPerConnection: round((after.heapUsed - before.heapUsed) / size, 0),
    };
  } finally {
    await server.stop();
  }
}

/**
 * Each server is measured in two rounds, in alternating order, and keeps its lower figures: RSS moves with the
 * allocator's own timing, which one round can catch badly.
 */
export async function memoryScenario({ quick }) {
  const size = quick ? 1000 : 5000;
  const rounds = quick ? 1 : 2;
  const runs = Object.fromEntries(KINDS.map((kind) => [kind, []]));
  for (let index = 0; index < rounds; index += 1) {
    for (const kind of index % 2 === 0 ? KINDS : [...KINDS].reverse())
      runs[kind].push(await measure(kind, size));
  }
  return KINDS.map((kind) => ({
    ...runs[kind][0],
    rounds,
    rssBytesPerConnection: Math.min(...runs[kind].map((run) => run.rssBytesPerConnection)),
    heapBytesPerConnection: Math.min(...runs[kind].map((run) => run.heapBytesPerConnection)),
  }));
}
