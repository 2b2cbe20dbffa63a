// The read side and the write path in the report: their targets, the catalog's memory and the event counter.
import { withSpread } from './rounds.mjs';

const READS = [
  ['GET /api/v1/pets/:id', 0.6],
  ['GET /api/v1/pets?status=available&limit=20', 0.5],
  ['GET /api/v1/pets/findByStatus?status=available', 0.5],
];

/** The read targets as [target, measured, met] rows. */
export function readTargets(rest) {
  const rows = [];
  for (const [name, least] of READS) {
    const entry = rest.find((candidate) => candidate.name === name);
    if (!entry) continue;
    const short = name.replace('/api/v1', '');
    rows.push([
      `REST \`${short}\` ≥ ${least}× bare Fastify`,
      withSpread(entry.ratio, '×'),
      entry.ratio.median >= least,
    ]);
    rows.push([
      `REST \`${short}\` p99 ≤ 2× bare's`,
      withSpread(entry.p99Ratio, '×'),
      entry.p99Ratio.median <= 2,
    ]);
    const drift = entry.postgresRatio.median / entry.ratio.median;
    rows.push([
      `REST \`${short}\` on PostgreSQL within 10 % of SQLite's ratio`,
      `${withSpread(entry.postgresRatio, '×')} (${Math.round(100 * (drift - 1))} %)`,
      drift >= 0.9,
    ]);
    // What the same fan-out leaves bare Fastify with raw `ws`'s fan-out: the most any server gets on this machine.
    const limit = entry.bareUnderFanoutRatio
      ? ` (bare Fastify + raw \`ws\`: ${withSpread(entry.bareUnderFanoutRatio, '×')})`
      : '';
    rows.push([
      `REST \`${short}\` while 1,000 subscribers get 20 updates/s ≥ 0.85× alone`,
      `${withSpread(entry.underFanoutRatio, '×')}${limit}`,
      entry.underFanoutRatio.median >= 0.85,
    ]);
  }
  return rows;
}

export function writePathSection(writePath, table) {
  if (!writePath) return 'Not run.';
  const engines = [
    ['SQLite', writePath.sqlite],
    ['PostgreSQL', writePath.postgres],
  ];
  return `${table(
    [
      'engine',
      'writes/s',
      'event counter held, mean µs',
      'p99 µs at most',
      'ceiling writes/s (1 ÷ mean hold)',
    ],
    engines.map(([engine, figures]) => [
      engine,
      withSpread(figures.writesPerSecond),
      withSpread(figures.meanHoldUs),
      withSpread(figures.p99HoldUsAtMost),
      withSpread(figures.ceilingWritesPerSecond),
    ]),
  )}

${writePath.writers} connections \`PATCH\` a pet each, back to back, for ${writePath.seconds} s per round, SQLite and PostgreSQL alternately. The hold is the service's own \`change_event_counter_hold_seconds\`: from the write taking its seqs (the last step of its work) to the end of its commit. On PostgreSQL that is the event counter's row lock, which every write of the cluster waits for in turn, so one over the mean hold is the cluster's write ceiling whatever the number of nodes; its p99 is the upper bound of the histogram bucket that holds it.`;
}

export function catalogMemorySection(catalogMemory, table) {
  if (!catalogMemory) return 'Not run.';
  return `${table(
    ['pets', 'heap bytes / pet', 'RSS bytes / pet', 'start-up s (empty store: s)'],
    catalogMemory.map((entry) => [
      entry.pets.toLocaleString('en'),
      withSpread(entry.heapBytesPerPet),
      withSpread(entry.rssBytesPerPet),
      `${withSpread(entry.startSeconds)} (${entry.emptyStartSeconds.median})`,
    ]),
  )}

A node started on a SQLite store of that many pets (a category, two tags and a photo URL each), after a forced GC, against the same node on an empty store. \`CATALOG_MAX_PETS\` (default 100,000) is the cap past which a node reads pets from the database instead.`;
}
