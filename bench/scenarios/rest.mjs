// REST: our service against bare Fastify answering the same JSON from memory, and against that same bare
// Fastify with the per-request plugins the service runs (the price of those features alone), alternately, with
// autocannon in a process of its own.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { customer, json, login } from '../lib/api.mjs';
import { startBaseline, startOurs } from '../lib/processes.mjs';
import { ratio, round } from '../lib/stats.mjs';

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

export async function restScenario({ quick }) {
  const duration = quick ? 2 : 6;
  const rounds = quick ? 1 : 2;
  const cases = [
    { name: 'GET /api/v1/pets/:id', path: '/api/v1/pets/1' },
    { name: 'GET /api/v1/pets?status=available&limit=20', path: '/api/v1/pets?status=available&limit=20' },
    { name: 'place order + cancel', cycle: true },
  ];
  const sides = ['ours', 'bare', 'plugins'];
  const results = Object.fromEntries(
    cases.map((entry) => [entry.name, Object.fromEntries(sides.map((side) => [side, []]))]),
  );
  for (let round_ = 0; round_ < rounds; round_ += 1) {
    for (const side of round_ % 2 === 0 ? sides : [...sides].reverse()) {
      const server =
        side === 'ours'
          ? await startOurs()
          : await startBaseline('bare-fastify.mjs', side === 'plugins' ? { WITH_PLUGINS: '1' } : {});
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
  return cases.map(({ name }) => {
    const best = (side) =>
      results[name][side].reduce((a, b) => (a.requestsPerSecond >= b.requestsPerSecond ? a : b));
    const figures = (side) => {
      const { requestsPerSecond, p50, p99, non2xx } = best(side);
      return { rps: round(requestsPerSecond, 0), p50, p99, non2xx };
    };
    const [ours, bare, plugins] = sides.map(figures);
    return {
      name,
      ours,
      bare,
      plugins,
      ratio: ratio(ours.rps, bare.rps),
      pluginsRatio: ratio(plugins.rps, bare.rps),
    };
  });
}
