// Cross-node: two nodes on PostgreSQL and Redis; writes on node A at a fixed rate; commit-to-receive for
// subscribers on node B, against subscribers on node A itself in the same run.
import { reachable } from '../../scripts/reachable.mjs';
import { json, login, paced } from '../lib/api.mjs';
import { address, freshDatabase, POSTGRES_URL } from '../lib/postgres.mjs';
import { startOurs } from '../lib/processes.mjs';
import { sentAtName } from '../lib/sent-at.mjs';
import { round, summary } from '../lib/stats.mjs';
import { startSubscribers, waitForDeliveries } from '../lib/subscribers.mjs';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function crossNodeScenario({ quick }) {
  const database = (await reachable(address(REDIS_URL))) ? await freshDatabase() : undefined;
  if (!database) return { skipped: `PostgreSQL (${POSTGRES_URL}) or Redis (${REDIS_URL}) is unreachable` };
  const env = { DATABASE_URL: database.url, REDIS_URL, REDIS_KEY_PREFIX: `${database.name}:` };
  const nodeA = await startOurs({ ...env, NODE_ID: 'bench-a' });
  const nodeB = await startOurs({ ...env, NODE_ID: 'bench-b' });
  const size = 100;
  const onA = await startSubscribers('ours', nodeA.ws, size, 1);
  const onB = await startSubscribers('ours', nodeB.ws, size, 1);
  try {
    const token = await login(nodeA.http);
    const pet = (await json(nodeA.http, 'POST', '/api/v1/pets', { token, body: { name: sentAtName() } }))
      .body;
    await waitForDeliveries(onB, size, 10_000);
    await Promise.all([onA.reset(), onB.reset()]);
    const rate = 100;
    const seconds = quick ? 2 : 8;
    const writes = await paced(rate, seconds, () =>
      json(nodeA.http, 'PATCH', `/api/v1/pets/${pet.id}`, { token, body: { name: sentAtName() } }),
    );
    await Promise.all([onA, onB].map((group) => waitForDeliveries(group, writes.length * size, 15_000)));
    const [a, b] = await Promise.all([onA.report(), onB.report()]);
    const sameNode = summary(a.latencies);
    const otherNode = summary(b.latencies);
    return {
      eventsPerSecond: rate,
      subscribers: size,
      sameNode: { delivered: a.received, p50Ms: sameNode.p50, p99Ms: sameNode.p99 },
      otherNode: { delivered: b.received, p50Ms: otherNode.p50, p99Ms: otherNode.p99 },
      p99DifferenceMs: round(otherNode.p99 - sameNode.p99, 1),
      expected: writes.length * size,
    };
  } finally {
    await Promise.all([onA.close(), onB.close()]);
    await Promise.all([nodeA.stop(), nodeB.stop()]);
    await database.drop();
  }
}
