// Fan-out on one node: N subscribers (in client processes) to `pets`; a steady phase at a fixed total delivery
// rate, then a burst as fast as the server goes. Ours (an update is a REST PATCH committed to SQLite) against
// the best raw `ws` can do and Socket.IO as its guide recommends (an update is POST /publish). Every update
// carries its send time; every subscriber times send → receipt the same way. Three rounds or more, alternating;
// each round's figures stay together, and each is reported as the median of the rounds with the spread.
import { json, login, paced, pool } from '../lib/api.mjs';
import { watchMachine } from '../lib/machine-load.mjs';
import { startBaseline, startOurs } from '../lib/processes.mjs';
import { alternating, pairedRatio, spread } from '../lib/rounds.mjs';
import { sentAtName } from '../lib/sent-at.mjs';
import { round, summary } from '../lib/stats.mjs';
import { startSubscribers, waitForDeliveries } from '../lib/subscribers.mjs';

export const KINDS = ['ours', 'ws', 'socketio'];
const BASELINE_FILES = { ws: 'raw-ws.mjs', socketio: 'socketio.mjs' };

/** A server of `kind` with `publish()`: one update, its send time in the pet's name. */
export async function startKind(kind, env, nodeOptions) {
  if (kind === 'ours') {
    const server = await startOurs(env, nodeOptions);
    const token = await login(server.http);
    server.publish = () =>
      json(server.http, 'PATCH', '/api/v1/pets/1', { token, body: { name: sentAtName() } });
    return server;
  }
  const server = await startBaseline(BASELINE_FILES[kind], env, nodeOptions);
  server.publish = () =>
    fetch(`${server.http}/publish`, { method: 'POST', body: JSON.stringify({ name: sentAtName() }) });
  return server;
}

/** Updates every server gets before its subscribers connect: enough that its cost per update has stopped falling. */
const WARM_UP_UPDATES = 4000;
const BURST_CONCURRENCY = 8;

/** One phase: server CPU per delivery, deliveries/s, send → receipt, and what else the machine was doing. */
async function phase(server, subscribers, expectedPerUpdate, publishAll, timeoutMs) {
  await subscribers.reset();
  const cpuBefore = server.cpu();
  const clientCpuBefore = subscribers.cpu();
  const machine = watchMachine();
  const started = Date.now();
  const updates = (await publishAll()).length;
  const finished = await waitForDeliveries(subscribers, updates * expectedPerUpdate, timeoutMs);
  const serverCpu = server.cpu() - cpuBefore;
  const load = machine.stop(serverCpu + subscribers.cpu() - clientCpuBefore);
  const report = await subscribers.report();
  const latency = summary(report.latencies);
  return {
    delivered: report.received,
    expected: updates * expectedPerUpdate,
    deliveriesPerSecond: round(report.received / ((finished - started) / 1000), 0),
    cpuMicrosPerDelivery: round((serverCpu * 1e6) / Math.max(1, report.received), 2),
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    maxMs: latency.max,
    machine: load,
  };
}

async function measure(kind, size, { deliveriesPerSecond, seconds, burstDeliveries }) {
  const server = await startKind(kind);
  await pool(WARM_UP_UPDATES, BURST_CONCURRENCY, () => server.publish());
  const url = server.http.replace('http', kind === 'socketio' ? 'http' : 'ws');
  const subscribers = await startSubscribers(kind, url, size);
  try {
    await pool(5, 1, () => server.publish());
    await waitForDeliveries(subscribers, 5 * size, 10_000);
    const rate = deliveriesPerSecond / size;
    const steady = await phase(server, subscribers, size, () => paced(rate, seconds, server.publish), 15_000);
    const updates = Math.max(10, Math.round(burstDeliveries / size));
    const burst = await phase(
      server,
      subscribers,
      size,
      () => pool(updates, BURST_CONCURRENCY, () => server.publish()),
      60_000,
    );
    return { steady, burst };
  } finally {
    await subscribers.close();
    await server.stop();
  }
}

const FIGURES = ['deliveriesPerSecond', 'cpuMicrosPerDelivery', 'p50Ms', 'p99Ms', 'maxMs'];

/** A server's rounds at one size: each figure's median and spread, and the deliveries added up. */
function summarize(kind, size, updatesPerSecond, runs) {
  const of = (phaseName) => ({
    delivered: runs.reduce((total, run) => total + run[phaseName].delivered, 0),
    expected: runs.reduce((total, run) => total + run[phaseName].expected, 0),
    ...Object.fromEntries(
      FIGURES.map((figure) => [figure, spread(runs.map((run) => run[phaseName][figure]))]),
    ),
    otherCores: spread(runs.map((run) => run[phaseName].machine.otherCores)),
  });
  return { kind, size, updatesPerSecond, rounds: runs, steady: of('steady'), burst: of('burst') };
}

/**
 * Ours ÷ a baseline, round by round, judged on the worse phase of each round: the higher CPU and p99 ratio of
 * steady and burst, and the lower deliveries/s ratio.
 */
function versus(ours, baseline) {
  const judged = (pick, higherIsWorse) =>
    spread(
      ours.rounds.map((run, index) => {
        const steady = pick(run.steady) / pick(baseline.rounds[index].steady);
        const burst = pick(run.burst) / pick(baseline.rounds[index].burst);
        return higherIsWorse ? Math.max(steady, burst) : Math.min(steady, burst);
      }),
    );
  return {
    cpu: judged((figures) => figures.cpuMicrosPerDelivery, true),
    deliveriesPerSecond: judged((figures) => figures.deliveriesPerSecond, false),
    p99: judged((figures) => figures.p99Ms, true),
    steadyCpu: pairedRatio(ours.rounds, baseline.rounds, (run) => run.steady.cpuMicrosPerDelivery),
    burstCpu: pairedRatio(ours.rounds, baseline.rounds, (run) => run.burst.cpuMicrosPerDelivery),
    // The steady phase runs at a rate the harness sets, which every server that keeps up delivers: only the
    // burst can show one server ahead of another.
    burstDeliveriesPerSecond: pairedRatio(
      ours.rounds,
      baseline.rounds,
      (run) => run.burst.deliveriesPerSecond,
    ),
  };
}

export async function fanoutScenario({ quick }) {
  const sizes = quick
    ? [1000]
    : process.env.SIZES
      ? process.env.SIZES.split(',').map(Number)
      : [1000, 5000, 10_000];
  const rounds = quick ? 1 : Number(process.env.ROUNDS ?? 3);
  const settings = quick
    ? { deliveriesPerSecond: 10_000, seconds: 2, burstDeliveries: 50_000 }
    : { deliveriesPerSecond: 20_000, seconds: 5, burstDeliveries: 300_000 };
  const results = [];
  for (const [sizeIndex, size] of sizes.entries()) {
    const runs = Object.fromEntries(KINDS.map((kind) => [kind, []]));
    for (const order of alternating(KINDS, rounds, sizeIndex)) {
      for (const kind of order) runs[kind].push(await measure(kind, size, settings));
    }
    const rate = round(settings.deliveriesPerSecond / size, 2);
    const [ours, ws, socketio] = KINDS.map((kind) => summarize(kind, size, rate, runs[kind]));
    results.push({
      size,
      updatesPerSecond: rate,
      ours,
      ws,
      socketio,
      vs: { ws: versus(ours, ws), socketio: versus(ours, socketio) },
    });
  }
  return results;
}
