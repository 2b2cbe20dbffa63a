// The write path: PATCHes of different pets from several connections at once, back to back, on SQLite and on
// PostgreSQL, alternately; writes/s, and how long each write held the event counter (the service's own
// change_event_counter_hold_seconds histogram), the section every write of a cluster passes through in turn.
import { json, login } from '../lib/api.mjs';
import { freshDatabase } from '../lib/postgres.mjs';
import { startOurs } from '../lib/processes.mjs';
import { alternating, spread } from '../lib/rounds.mjs';

const WRITERS = 8;

/** Sum and count of the hold histogram, and its buckets (le → cumulative count). */
async function holdHistogram(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (suffix) =>
    Number(
      new RegExp(`^change_event_counter_hold_seconds_${suffix}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1],
    );
  const buckets = [
    ...text.matchAll(/^change_event_counter_hold_seconds_bucket\{le="([^"]+)"[^}]*\} (\S+)$/gm),
  ].map(([, le, count]) => [Number(le), Number(count)]);
  return { sum: value('sum'), count: value('count'), buckets };
}

/** The upper bound of the bucket holding the 99th percentile of what was added between two readings. */
function p99Bound(before, after) {
  const total = after.count - before.count;
  const index = after.buckets.findIndex(([, count], at) => count - before.buckets[at][1] >= 0.99 * total);
  return after.buckets[index]?.[0];
}

async function measure(env, seconds) {
  const server = await startOurs({ SEED_DEMO_DATA: 'false', ...env });
  try {
    const token = await login(server.http);
    const pets = [];
    for (let index = 0; index < WRITERS; index += 1) {
      pets.push(
        (await json(server.http, 'POST', '/api/v1/pets', { token, body: { name: `w${index}` } })).body.id,
      );
    }
    const writeFor = async (until) => {
      let writes = 0;
      await Promise.all(
        pets.map(async (id) => {
          while (Date.now() < until) {
            await json(server.http, 'PATCH', `/api/v1/pets/${id}`, { token, body: { name: `n${writes}` } });
            writes += 1;
          }
        }),
      );
      return writes;
    };
    await writeFor(Date.now() + 1000); // warm-up
    const before = await holdHistogram(server.http);
    const started = Date.now();
    const writes = await writeFor(started + seconds * 1000);
    const elapsed = (Date.now() - started) / 1000;
    const after = await holdHistogram(server.http);
    const meanHoldUs = (1e6 * (after.sum - before.sum)) / (after.count - before.count);
    return {
      writesPerSecond: writes / elapsed,
      meanHoldUs,
      p99HoldUsAtMost: 1e6 * p99Bound(before, after),
      ceilingWritesPerSecond: 1e6 / meanHoldUs,
    };
  } finally {
    await server.stop();
  }
}

export async function writePathScenario({ quick }) {
  const seconds = quick ? 2 : 5;
  const rounds = quick ? 1 : Number(process.env.ROUNDS ?? 3);
  const engines = ['sqlite', 'postgres'];
  const runs = { sqlite: [], postgres: [] };
  for (const order of alternating(engines, rounds)) {
    for (const engine of order) {
      const database = engine === 'postgres' ? await freshDatabase() : undefined;
      if (engine === 'postgres' && !database) continue;
      try {
        runs[engine].push(await measure(database ? { DATABASE_URL: database.url } : {}, seconds));
      } finally {
        await database?.drop();
      }
    }
  }
  const figures = (list) =>
    Object.fromEntries(
      ['writesPerSecond', 'meanHoldUs', 'p99HoldUsAtMost', 'ceilingWritesPerSecond'].map((name) => [
        name,
        spread(
          list.map((run) => run[name]),
          0,
        ),
      ]),
    );
  return { writers: WRITERS, seconds, sqlite: figures(runs.sqlite), postgres: figures(runs.postgres) };
}
