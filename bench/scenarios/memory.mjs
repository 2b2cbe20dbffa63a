// Memory per idle subscriber: RSS and heap growth per connection after a forced GC, ours against raw `ws`
// and Socket.IO.
import { alternating, spread } from '../lib/rounds.mjs';
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

/** Each server in three rounds or more, in alternating order: each figure the median of its rounds, with the spread. */
export async function memoryScenario({ quick }) {
  const size = quick ? 1000 : 5000;
  const rounds = quick ? 1 : Number(process.env.ROUNDS ?? 3);
  const runs = Object.fromEntries(KINDS.map((kind) => [kind, []]));
  for (const order of alternating(KINDS, rounds)) {
    for (const kind of order) runs[kind].push(await measure(kind, size));
  }
  return KINDS.map((kind) => ({
    kind,
    connections: size,
    rounds: runs[kind],
    rssBytesPerConnection: spread(
      runs[kind].map((run) => run.rssBytesPerConnection),
      0,
    ),
    heapBytesPerConnection: spread(
      runs[kind].map((run) => run.heapBytesPerConnection),
      0,
    ),
  }));
}
