// REST: our service against bare Fastify answering the same JSON from memory, alternately, with autocannon
// in a process of its own.
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

async function prepareOurs(server) {
  const admin = await login(server.http);
  const petIds = [];
  for (let index = 0; index < 20; index += 1) {
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
  const results = Object.fromEntries(cases.map((entry) => [entry.name, { ours: [], bare: [] }]));
  for (let round_ = 0; round_ < rounds; round_ += 1) {
    for (const side of round_ % 2 === 0 ? ['ours', 'bare'] : ['bare', 'ours']) {
      const server = side === 'ours' ? await startOurs() : await startBaseline('bare-fastify.mjs');
      try {
        const cycle =
          side === 'ours' ? await prepareOurs(server) : { token: 'none', petIds: [1, 2, 3, 4, 5, 6] };
        for (const entry of cases) {
          const options = {
            url: `${server.http}${entry.path ?? ''}`,
            connections: entry.cycle ? 20 : 50,
            duration,
          };
          await load({ ...options, duration: 1 }); // warm-up
          results[entry.name][side].push(await load(entry.cycle ? { ...options, cycle } : options));
        }
      } finally {
        await server.stop();
      }
    }
  }
  return cases.map(({ name }) => {
    const best = (side) =>
      results[name][side].reduce((a, b) => (a.requestsPerSecond >= b.requestsPerSecond ? a : b));
    const ours = best('ours');
    const bare = best('bare');
    return {
      name,
      ours: { rps: round(ours.requestsPerSecond, 0), p50: ours.p50, p99: ours.p99, non2xx: ours.non2xx },
      bare: { rps: round(bare.requestsPerSecond, 0), p50: bare.p50, p99: bare.p99, non2xx: bare.non2xx },
      ratio: ratio(ours.requestsPerSecond, bare.requestsPerSecond),
    };
  });
}
