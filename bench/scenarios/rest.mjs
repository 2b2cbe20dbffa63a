// REST: our service against bare Fastify answering with the same bytes from memory, and against that same bare
// Fastify with the per-request plugins the service runs (the price of those features alone), alternately, with
// autocannon in a process of its own. Ours runs three ways: on SQLite, on PostgreSQL, and on SQLite while 1,000
// subscribers receive 20 pet updates a second (a paced PATCH of another pet), which the reads must barely feel.
// Bare Fastify runs under the same fan-out too, raw `ws`'s in its own process: what this machine leaves any server.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { customer, json, login, paced } from '../lib/api.mjs';
import { freshDatabase } from '../lib/postgres.mjs';
import { startBaseline, startOurs } from '../lib/processes.mjs';
import { sentAtName } from '../lib/sent-at.mjs';
import { startSubscribers } from '../lib/subscribers.mjs';
import { alternating, pairedRatio, spread } from '../lib/rounds.mjs';

const run = promisify(execFile);
const LOAD = new URL('../clients/http-load.mjs', import.meta.url).pathname;

async function load(options) {
  const { stdout } = await run(process.execPath, [LOAD, JSON.stringify(options)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

const CYCLE_CONNECTIONS = 20;
const FANOUT = { subscribers: 1000, updatesPerSecond: 20 };

/** The baselines' sides: bare Fastify, with the plugins, and with raw `ws`'s fan-out under the same load as ours. */
const BASELINE_SIDES = new Set(['bare', 'plugins', 'bareUnderFanout']);
const UNDER_FANOUT_SIDES = new Set(['underFanout', 'bareUnderFanout']);

/**
 * FANOUT.subscribers subscribers of `kind` on `server`, and a writer making FANOUT.updatesPerSecond updates with
 * `update()`; returns what stops both.
 */
async function startFanout(server, kind, update) {
  const subscribers = await startSubscribers(kind, server.ws, FANOUT.subscribers);
  const writing = { on: true };
  const writer = (async () => {
    while (writing.on) await paced(FANOUT.updatesPerSecond, 1, update);
  })();
  return async () => {
    writing.on = false;
    await writer;
    await subscribers.close();
  };
}

/**
 * Ours on SQLite, on a fresh PostgreSQL database, or on SQLite under fan-out, or a baseline (bare Fastify under
 * fan-out: raw `ws`'s, in the same process); `stop` ends all it started.
 */
async function startSide(side, BODIES_FILE) {
  if (BASELINE_SIDES.has(side)) {
    const server = await startBaseline('bare-fastify.mjs', {
      BODIES_FILE,
      ...(side === 'plugins' ? { WITH_PLUGINS: '1' } : {}),
      ...(side === 'bareUnderFanout' ? { WITH_FANOUT: '1' } : {}),
    });
    const stopFanout =
      side === 'bareUnderFanout'
        ? await startFanout(server, 'ws', () =>
            json(server.http, 'POST', '/publish', { body: { name: sentAtName() } }),
          )
        : async () => {};
    return {
      server,
      stop: async () => {
        await stopFanout();
        await server.stop();
      },
    };
  }
  const database = side === 'postgres' ? await freshDatabase() : undefined;
  if (side === 'postgres' && !database) return undefined;
  const server = await startOurs(database ? { DATABASE_URL: database.url } : {});
  const stops = [() => server.stop(), async () => database?.drop()];
  if (side === 'underFanout') {
    const token = await login(server.http);
    const pet = (await json(server.http, 'POST', '/api/v1/pets', { token, body: { name: sentAtName() } }))
      .body;
    stops.unshift(
      await startFanout(server, 'ours', () =>
        json(server.http, 'PATCH', `/api/v1/pets/${pet.id}`, { token, body: { name: sentAtName() } }),
      ),
    );
  }
  return {
    server,
    stop: async () => {
      for (const stop of stops) await stop();
    },
  };
}

/**
 * A customer, and a pet of its own for each connection of each run: the warm-up stops mid-cycle and leaves
 * orders open, so the measured run must not reuse its pets (they would answer 409, cheaply).
 */
async function prepareOurs(server) {
  const admin = await login(server.http);
  const petIds = [];
  for (let index = 0; index < 2 * CYCLE_CONNECTIONS; index += 1) {
    petIds.push(
      (await json(server.http, 'POST', '/api/v1/pets', { token: admin, body: { name: `Cycle ${index}` } }))
        .body.id,
    );
  }
  return { token: await customer(server.http), petIds };
}

/** What the service answers each read with, once prepared as for a round: the bare baseline serves these bytes. */
async function captureBodies(cases) {
  const server = await startOurs();
  try {
    await prepareOurs(server);
    const reads = cases.filter((entry) => entry.path);
    const bodies = {};
    for (const { path } of reads) bodies[path] = await (await fetch(`${server.http}${path}`)).text();
    const dir = await mkdtemp(join(tmpdir(), 'bench-bodies-'));
    const file = join(dir, 'bodies.json');
    await writeFile(file, JSON.stringify(bodies));
    return file;
  } finally {
    await server.stop();
  }
}

const figures = (run) => ({
  rps: spread(
    run.map((result) => result.requestsPerSecond),
    0,
  ),
  p50: spread(run.map((result) => result.p50)),
  p99: spread(run.map((result) => result.p99)),
  non2xx: run.reduce((total, result) => total + result.non2xx, 0),
});

export async function restScenario({ quick }) {
  const duration = quick ? 2 : 6;
  const rounds = quick ? 1 : Number(process.env.ROUNDS ?? 3);
  const cases = [
    { name: 'GET /api/v1/pets/:id', path: '/api/v1/pets/1' },
    { name: 'GET /api/v1/pets?status=available&limit=20', path: '/api/v1/pets?status=available&limit=20' },
    {
      name: 'GET /api/v1/pets/findByStatus?status=available',
      path: '/api/v1/pets/findByStatus?status=available',
    },
    { name: 'place order + cancel', cycle: true },
  ];
  const sides = ['ours', 'bare', 'plugins', 'postgres', 'underFanout', 'bareUnderFanout'];
  const results = Object.fromEntries(
    cases.map((entry) => [entry.name, Object.fromEntries(sides.map((side) => [side, []]))]),
  );
  const BODIES_FILE = await captureBodies(cases);
  for (const order of alternating(sides, rounds)) {
    for (const side of order) {
      const started = await startSide(side, BODIES_FILE);
      if (!started) continue;
      const { server } = started;
      try {
        const ours = !BASELINE_SIDES.has(side);
        const { token, petIds } = ours
          ? await prepareOurs(server)
          : {
              token: 'none',
              petIds: Array.from({ length: 2 * CYCLE_CONNECTIONS }, (_, index) => index + 1),
            };
        const cycles = [petIds.slice(0, CYCLE_CONNECTIONS), petIds.slice(-CYCLE_CONNECTIONS)].map((pets) => ({
          token,
          petIds: pets,
        }));
        for (const entry of cases) {
          if (UNDER_FANOUT_SIDES.has(side) && entry.cycle) continue; // reads are what these sides are for
          const options = {
            url: `${server.http}${entry.path ?? ''}`,
            connections: entry.cycle ? CYCLE_CONNECTIONS : 50,
            duration,
          };
          await load({ ...options, duration: 1, ...(entry.cycle ? { cycle: cycles[0] } : {}) }); // warm-up
          results[entry.name][side].push(
            await load(entry.cycle ? { ...options, cycle: cycles[1] } : options),
          );
        }
      } finally {
        await started.stop();
      }
    }
  }
  await rm(dirname(BODIES_FILE), { recursive: true, force: true });
  return cases.map(({ name }) => {
    const [ours, bare, plugins, postgres, underFanout, bareUnderFanout] = sides.map((side) =>
      figures(results[name][side]),
    );
    const rps = (result) => result.requestsPerSecond;
    const p99 = (result) => result.p99;
    const runs = results[name];
    return {
      name,
      rounds: runs,
      ours,
      bare,
      plugins,
      postgres,
      underFanout,
      bareUnderFanout,
      ratio: pairedRatio(runs.ours, runs.bare, rps),
      p99Ratio: pairedRatio(runs.ours, runs.bare, p99),
      pluginsRatio: pairedRatio(runs.plugins, runs.bare, rps),
      postgresRatio: pairedRatio(runs.postgres, runs.bare, rps),
      underFanoutRatio: pairedRatio(runs.underFanout, runs.ours, rps),
      bareUnderFanoutRatio: pairedRatio(runs.bareUnderFanout, runs.bare, rps),
    };
  });
}
