// REST: our service against bare Fastify answering with the same bytes from memory, and against that same bare
// Fastify with the per-request plugins the service runs (the price of those features alone), alternately, with
// autocannon in a process of its own.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { customer, json, login } from '../lib/api.mjs';
import { startBaseline, startOurs } from '../lib/processes.mjs';
import { alternating, pairedRatio, spread } from '../lib/rounds.mjs';

const run = promisify(execFile);
const LOAD = new URL('../clients/http-load.mjs', import.meta.url).pathname;

async function load(options) {
  const { stdout } = await run(process.execPath, [LOAD, JSON.stringify(options)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

const CYCLE_CONNECTIONS = 20;

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

/** What the service answers each read with: the bare baseline serves exactly these bytes. */
async function captureBodies(cases) {
  const server = await startOurs();
  try {
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
    { name: 'place order + cancel', cycle: true },
  ];
  const sides = ['ours', 'bare', 'plugins'];
  const results = Object.fromEntries(
    cases.map((entry) => [entry.name, Object.fromEntries(sides.map((side) => [side, []]))]),
  );
  const BODIES_FILE = await captureBodies(cases);
  for (const order of alternating(sides, rounds)) {
    for (const side of order) {
      const server =
        side === 'ours'
          ? await startOurs()
          : await startBaseline('bare-fastify.mjs', {
              BODIES_FILE,
              ...(side === 'plugins' ? { WITH_PLUGINS: '1' } : {}),
            });
      try {
        const { token, petIds } =
          side === 'ours'
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
        await server.stop();
      }
    }
  }
  await rm(dirname(BODIES_FILE), { recursive: true, force: true });
  return cases.map(({ name }) => {
    const [ours, bare, plugins] = sides.map((side) => figures(results[name][side]));
    const rps = (result) => result.requestsPerSecond;
    return {
      name,
      rounds: results[name],
      ours,
      bare,
      plugins,
      ratio: pairedRatio(results[name].ours, results[name].bare, rps),
      pluginsRatio: pairedRatio(results[name].plugins, results[name].bare, rps),
    };
  });
}
