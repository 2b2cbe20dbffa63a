// The results as Markdown: the machine, every scenario's table, and each target with its measured ratio.
import { existsSync, readFileSync } from 'node:fs';
import { catalogMemorySection, readTargets, writePathSection } from './report-reads.mjs';
import { pairedRatio, withSpread } from './rounds.mjs';
import { webhooksSection } from './report-webhooks.mjs';

const FINDINGS = new URL('../findings.md', import.meta.url);

const table = (header, rows) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

const LABEL = { ours: 'ours', ws: 'raw ws', socketio: 'Socket.IO' };

function targets({ rest, fanout, memory, crossNode, reconnect }) {
  const rows = [];
  const check = (target, measured, met) => rows.push([target, measured, met ? 'met' : '**missed**']);
  for (const row of readTargets(rest)) check(...row);
  for (const { size, vs } of fanout) {
    const judged = (label, figure, met) =>
      check(`Fan-out ${size}: ${label}`, `${withSpread(figure, '×')}`, met(figure.median));
    judged('server CPU per delivery ≤ 1.15× raw ws', vs.ws.cpu, (median) => median <= 1.15);
    judged('delivered msgs/s ≥ 0.9× raw ws', vs.ws.deliveriesPerSecond, (median) => median >= 0.9);
    judged('p99 send → receipt ≤ 1.2× raw ws', vs.ws.p99, (median) => median <= 1.2);
    judged('ahead of Socket.IO: CPU per delivery < 1×', vs.socketio.cpu, (median) => median < 1);
    judged(
      'ahead of Socket.IO: burst msgs/s > 1×',
      vs.socketio.burstDeliveriesPerSecond,
      (median) => median > 1,
    );
    judged('ahead of Socket.IO: p99 < 1×', vs.socketio.p99, (median) => median < 1);
  }
  const memory_ = (kind) => memory.find((entry) => entry.kind === kind).rounds;
  const perConnection = (run) => run.rssBytesPerConnection;
  const vsWs = pairedRatio(memory_('ours'), memory_('ws'), perConnection);
  const vsIo = pairedRatio(memory_('ours'), memory_('socketio'), perConnection);
  check('Memory per idle subscriber ≤ 1.5× raw ws', withSpread(vsWs, '×'), vsWs.median <= 1.5);
  check('Memory per idle subscriber ≤ 0.6× Socket.IO', withSpread(vsIo, '×'), vsIo.median <= 0.6);
  if (crossNode.skipped) rows.push(['Cross-node p99 ≤ same-node p99 + 10 ms', crossNode.skipped, 'not run']);
  else
    check(
      'Cross-node p99 ≤ same-node p99 + 10 ms',
      `+${crossNode.p99DifferenceMs} ms`,
      crossNode.p99DifferenceMs <= 10,
    );
  check(
    'Reconnect storm delivers 100 %',
    `${reconnect.deliveredFraction * 100} %`,
    reconnect.deliveredFraction === 1,
  );
  return table(['target', 'measured', ''], rows);
}

const FANOUT_HEADER = [
  'subscribers',
  'server',
  'updates/s',
  'steady p50 / p99 ms',
  'steady CPU µs/delivery',
  'burst deliveries/s',
  'burst p99 ms',
  'burst CPU µs/delivery',
  'other load (cores, steady / burst)',
  'delivered',
];

function fanoutTable(fanout) {
  const rows = fanout.flatMap((entry) =>
    ['ours', 'ws', 'socketio'].map((kind) => {
      const { steady, burst } = entry[kind];
      return [
        entry.size,
        LABEL[kind],
        entry.updatesPerSecond,
        `${withSpread(steady.p50Ms)} / ${withSpread(steady.p99Ms)}`,
        withSpread(steady.cpuMicrosPerDelivery),
        withSpread(burst.deliveriesPerSecond),
        withSpread(burst.p99Ms),
        withSpread(burst.cpuMicrosPerDelivery),
        `${withSpread(steady.otherCores)} / ${withSpread(burst.otherCores)}`,
        `${steady.delivered + burst.delivered} / ${steady.expected + burst.expected}`,
      ];
    }),
  );
  return table(FANOUT_HEADER, rows);
}

/** Ours ÷ each baseline, round by round, median (spread); the judged column takes each round's worse phase. */
function fanoutRatios(fanout) {
  const rows = fanout.flatMap(({ size, vs }) =>
    ['ws', 'socketio'].map((kind) => [
      size,
      LABEL[kind],
      withSpread(vs[kind].steadyCpu, '×'),
      withSpread(vs[kind].burstCpu, '×'),
      withSpread(vs[kind].cpu, '×'),
      withSpread(vs[kind].deliveriesPerSecond, '×'),
      withSpread(vs[kind].burstDeliveriesPerSecond, '×'),
      withSpread(vs[kind].p99, '×'),
    ]),
  );
  return table(
    [
      'subscribers',
      'ours ÷',
      'steady CPU/delivery',
      'burst CPU/delivery',
      'CPU, worse phase',
      'msgs/s, worse phase',
      'burst msgs/s',
      'p99, worse phase',
    ],
    rows,
  );
}

function profileTables(title, profile) {
  if (!profile) return `### ${title}\n\nNo profile was written.`;
  const rows = (entries) => entries.map((entry) => [`\`${entry.function}\``, `${entry.percent} %`]);
  return `### ${title}

${table(['heaviest functions (self time)', 'share'], rows(profile.self))}

${table(['our code (inclusive time)', 'share'], rows(profile.inclusive))}`;
}

/** The maintainers' reading of the latest full run (bench/findings.md), kept next to the numbers. */
function findings() {
  return existsSync(FINDINGS) ? `\n${readFileSync(FINDINGS, 'utf8')}` : '';
}

export function renderReport(results) {
  const { machine, scenarios } = results;
  const { rest, fanout, memory, crossNode, reconnect } = scenarios;
  return `# Benchmarks

${results.quick ? '**Quick run** (smoke check of the harness; numbers are indicative only).\n\n' : ''}Run ${results.date} with \`npm run bench\`${results.quick ? ' -- --quick' : ''} in ${results.seconds} s on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, \`ulimit -n\` ${machine.openFiles}. Every scenario runs our service and its baselines alternately in the same run, each server and each load generator in a process of its own, so the ratios hold on a noisy shared machine; absolute figures do not. See \`bench/README.md\` for what each scenario does.

## Targets

${targets(scenarios)}

## REST (autocannon)

${table(
  [
    'request',
    'ours req/s',
    'p50 / p99 ms',
    'bare Fastify req/s',
    'p50 / p99 ms',
    'ours ÷ bare',
    'bare + plugins req/s',
    'plugins ÷ bare',
    'ours on PostgreSQL ÷ bare',
    'ours under fan-out ÷ ours',
    'bare + raw ws under fan-out ÷ bare',
    'non-2xx (ours / bare / plugins)',
  ],
  rest.map((entry) => [
    entry.name,
    withSpread(entry.ours.rps),
    `${entry.ours.p50.median} / ${entry.ours.p99.median}`,
    withSpread(entry.bare.rps),
    `${entry.bare.p50.median} / ${entry.bare.p99.median}`,
    withSpread(entry.ratio, '×'),
    withSpread(entry.plugins.rps),
    withSpread(entry.pluginsRatio, '×'),
    withSpread(entry.postgresRatio, '×'),
    withSpread(entry.underFanoutRatio, '×'),
    entry.bareUnderFanoutRatio ? withSpread(entry.bareUnderFanoutRatio, '×') : '—',
    [entry.ours, entry.bare, entry.plugins].map((side) => side.non2xx).join(' / '),
  ]),
)}

Ours runs with validation, the rate limiter (counting, limit out of reach) and metrics on, answering the pet reads from its in-memory catalog and the order cycle from SQLite; request logging is at \`warn\`. "Bare + plugins" is the bare server with only the cross-cutting plugins the service runs on every request (request id, the security headers of an API answer, load shedding, rate limiting, request metrics) and no database: what those features cost by themselves. "Under fan-out" is ours while 1,000 subscribers receive 20 pet updates a second, with the subscriber processes on the same two cores; "bare + raw ws under fan-out" is bare Fastify while the same process fans out as raw \`ws\` does at best (frame once, write the same bytes to every socket) to as many subscribers at the same rate: the share of its reads this machine leaves a server that fans out.

## The in-memory catalog

${catalogMemorySection(scenarios.catalogMemory, table)}

## The write path

${writePathSection(scenarios.writePath, table)}

## Fan-out on one node

${fanoutTable(fanout)}

Send → receipt: the publisher puts its send time (the machine's monotonic clock, in µs) in the update, and the subscriber reads it on receipt; for ours that includes the \`PATCH\` (HTTP, authentication, validation, the SQLite transaction), for the baselines \`POST /publish\`. Every figure is the median of ${fanout[0]?.ours.rounds.length ?? 0} rounds per server, alternating, with the lowest and highest round in brackets; each round's figures come from that round (\`bench/results/\` keeps them). "Other load" is the machine's busy cores during the phase less the server and its subscriber processes.

${fanoutRatios(fanout)}

## Memory per idle subscriber (after a forced GC)

${table(
  ['server', 'connections', 'RSS bytes / connection', 'heap bytes / connection'],
  memory.map((entry) => [
    LABEL[entry.kind],
    entry.connections,
    withSpread(entry.rssBytesPerConnection),
    withSpread(entry.heapBytesPerConnection),
  ]),
)}

Each server was measured in ${memory[0]?.rounds.length ?? 0} rounds, in alternating order: medians, with the lowest and highest round in brackets; the ratios in the targets are taken round by round.

## Cross-node (PostgreSQL + Redis)

${
  crossNode.skipped
    ? `Not run: ${crossNode.skipped}.`
    : table(
        ['', 'delivered', 'p50 ms', 'p99 ms'],
        [
          [
            'subscribers on node A (writes on A)',
            `${crossNode.sameNode.delivered} / ${crossNode.expected}`,
            crossNode.sameNode.p50Ms,
            crossNode.sameNode.p99Ms,
          ],
          [
            'subscribers on node B',
            `${crossNode.otherNode.delivered} / ${crossNode.expected}`,
            crossNode.otherNode.p50Ms,
            crossNode.otherNode.p99Ms,
          ],
        ],
      ) + `\n\n${crossNode.eventsPerSecond} events/s to ${crossNode.subscribers} subscribers on each node.`
}

## Webhooks

${webhooksSection(scenarios.webhooks, table)}

## Reconnect storm

${table(
  ['subscribers', 'events written', 'delivered', 'all live again after'],
  [
    [
      reconnect.subscribers,
      reconnect.eventsWritten,
      `${reconnect.deliveredFraction * 100} %`,
      `${reconnect.allLiveAgainMs} ms`,
    ],
  ],
)}

## Where the time goes (profiles)

A separate pass, not measured: our server under \`node --cpu-prof\` while autocannon reads \`GET /api/v1/pets/1\`,
and while a burst of updates fans out to 1,000 subscribers. Shares are of the server's busy (non-idle) CPU time.

${profileTables('REST `GET /api/v1/pets/:id`', scenarios.profiles?.rest)}

${profileTables('Fan-out burst to 1,000 subscribers', scenarios.profiles?.fanout)}
${results.quick ? '' : findings()}`;
}
