// Fan-out on one node: N subscribers (in client processes) to `pets`; updates at a fixed rate chosen so that
// deliveries per second are the same at every size, then a burst as fast as the server goes. Ours (an update
// is a REST PATCH committed to SQLite) against raw `ws` broadcasting one pre-serialized frame, and Socket.IO
// broadcasting to a room (an update is POST /publish).
import { json, login, paced, pool } from '../lib/api.mjs';
import { startBaseline, startOurs } from '../lib/processes.mjs';
import { round, summary } from '../lib/stats.mjs';
import { startSubscribers, waitForDeliveries } from '../lib/subscribers.mjs';

export const KINDS = ['ours', 'ws', 'socketio'];
const BASELINE_FILES = { ws: 'raw-ws.mjs', socketio: 'socketio.mjs' };

export async function startKind(kind, env, nodeOptions) {
  if (kind === 'ours') {
    const server = await startOurs(env, nodeOptions);
    const token = await login(server.http);
    let counter = 0;
    server.publish = () =>
      json(server.http, 'PATCH', '/api/v1/pets/1', { token, body: { name: `Rex ${++counter}` } }).then(
        (answer) => answer.seq,
      );
    return server;
  }
  const server = await startBaseline(BASELINE_FILES[kind]);
  server.publish = () => fetch(`${server.http}/publish`, { method: 'POST' }).then(() => 0);
  return server;
}

/** Updates every server gets before its subscribers connect, so that what is measured runs warm (JIT-compiled). */
const WARM_UP_UPDATES = 500;

async function measure(kind, size, { deliveriesPerSecond, seconds, burstDeliveries }) {
  const server = await startKind(kind);
  await pool(WARM_UP_UPDATES, 8, () => server.publish());
  const subscribers = await startSubscribers(
    kind,
    server.http.replace('http', kind === 'socketio' ? 'http' : 'ws'),
    size,
  );
  try {
    // Warm-up with the subscribers on, then the steady phase at a fixed total delivery rate.
    await pool(5, 1, () => server.publish());
    await waitForDeliveries(subscribers, 5 * size, 10_000);
    await subscribers.reset();
    const rate = deliveriesPerSecond / size;
    let cpuBefore = server.cpu();
    const steady = await paced(rate, seconds, () => server.publish());
    await waitForDeliveries(subscribers, steady.length * size, 15_000);
    const steadyReport = await subscribers.report();
    const steadyCpu = server.cpu() - cpuBefore;

    await subscribers.reset();
    const updates = Math.max(10, Math.round(burstDeliveries / size));
    cpuBefore = server.cpu();
    const started = Date.now();
    await pool(updates, 8, () => server.publish());
    const finished = await waitForDeliveries(subscribers, updates * size, 60_000);
    const burstReport = await subscribers.report();
    const burstCpu = server.cpu() - cpuBefore;
    const latency = summary(steadyReport.latencies);
    return {
      kind,
      size,
      updatesPerSecond: round(rate, 2),
      steady: {
        delivered: steadyReport.received,
        expected: steady.length * size,
        p50Ms: latency.p50,
        p99Ms: latency.p99,
        maxMs: latency.max,
        cpuMicrosPerDelivery: round((steadyCpu * 1e6) / Math.max(1, steadyReport.received), 2),
      },
      burst: {
        delivered: burstReport.received,
        expected: updates * size,
        deliveriesPerSecond: round(burstReport.received / ((finished - started) / 1000), 0),
        cpuMicrosPerDelivery: round((burstCpu * 1e6) / Math.max(1, burstReport.received), 2),
      },
    };
  } finally {
    await subscribers.close();
    await server.stop();
  }
}

/**
 * Each figure is the better of the rounds (lowest latency and CPU, highest rate), for every server alike: a
 * passing load on the shared machine hurts one round, rarely both. Delivered counts add up over the rounds.
 */
function bestOf(runs) {
  const lowest = (pick) => runs.reduce((a, b) => (pick(b) < pick(a) ? b : a));
  const fastest = lowest((run) => run.steady.p99Ms);
  const sum = (pick) => runs.reduce((total, run) => total + pick(run), 0);
  return {
    ...runs[0],
    rounds: runs.length,
    steady: {
      delivered: sum((run) => run.steady.delivered),
      expected: sum((run) => run.steady.expected),
      p50Ms: fastest.steady.p50Ms,
      p99Ms: fastest.steady.p99Ms,
      maxMs: fastest.steady.maxMs,
      cpuMicrosPerDelivery: lowest((run) => run.steady.cpuMicrosPerDelivery).steady.cpuMicrosPerDelivery,
    },
    burst: {
      delivered: sum((run) => run.burst.delivered),
      expected: sum((run) => run.burst.expected),
      deliveriesPerSecond: Math.max(...runs.map((run) => run.burst.deliveriesPerSecond)),
      cpuMicrosPerDelivery: lowest((run) => run.burst.cpuMicrosPerDelivery).burst.cpuMicrosPerDelivery,
    },
  };
}

export async function fanoutScenario({ quick }) {
  const sizes = quick
    ? [1000]
    : process.env.SIZES
      ? process.env.SIZES.split(',').map(Number)
      : [1000, 5000, 10_000];
  const rounds = quick ? 1 : 2;
  const settings = quick
    ? { deliveriesPerSecond: 10_000, seconds: 2, burstDeliveries: 50_000 }
    : { deliveriesPerSecond: 20_000, seconds: 5, burstDeliveries: 300_000 };
  const results = [];
  for (const size of sizes) {
    const runs = Object.fromEntries(KINDS.map((kind) => [kind, []]));
    for (let round = 0; round < rounds; round += 1) {
      // Alternate the order so that no kind always runs on a warmer or colder machine.
      const order = (sizes.indexOf(size) + round) % 2 === 0 ? KINDS : [...KINDS].reverse();
      for (const kind of order) runs[kind].push(await measure(kind, size, settings));
    }
    results.push(...KINDS.map((kind) => bestOf(runs[kind])));
  }
  return results;
}
