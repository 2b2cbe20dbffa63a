// The results as Markdown: the machine, every scenario's table, and each target with its measured ratio.
import { existsSync, readFileSync } from 'node:fs';
import { ratio } from './stats.mjs';

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
  const byId = rest.find((entry) => entry.name === 'GET /api/v1/pets/:id');
  check('REST `GET /pets/:id` ≥ 0.6× bare Fastify', `${byId.ratio}×`, byId.ratio >= 0.6);
  for (const size of [...new Set(fanout.map((entry) => entry.size))]) {
    const of = (kind) => fanout.find((entry) => entry.size === size && entry.kind === kind);
    const [ours, ws] = [of('ours'), of('ws')];
    const throughput = ratio(ours.burst.deliveriesPerSecond, ws.burst.deliveriesPerSecond);
    const cpu = ratio(ours.burst.cpuMicrosPerDelivery, ws.burst.cpuMicrosPerDelivery);
    const p99 = ratio(ours.steady.p99Ms, ws.steady.p99Ms);
    check(`Fan-out ${size}: delivered msgs/s ≥ 0.9× raw ws`, `${throughput}×`, throughput >= 0.9);
    check(`Fan-out ${size}: server CPU per delivery ≤ 1.15× raw ws`, `${cpu}×`, cpu <= 1.15);
    check(
      `Fan-out ${size}: p99 commit-to-receive ≤ 1.2× raw ws`,
      `${p99}× (${ours.steady.p99Ms} ms vs ${ws.steady.p99Ms} ms)`,
      p99 <= 1.2,
    );
  }
  const mem = (kind) => memory.find((entry) => entry.kind === kind).rssBytesPerConnection;
  const vsWs = ratio(mem('ours'), mem('ws'));
  const vsIo = ratio(mem('ours'), mem('socketio'));
  check('Memory per idle subscriber ≤ 1.5× raw ws', `${vsWs}×`, vsWs <= 1.5);
  check('Memory per idle subscriber ≤ 0.6× Socket.IO', `${vsIo}×`, vsIo <= 0.6);
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
    'non-2xx (ours / bare / plugins)',
  ],
  rest.map((entry) => [
    entry.name,
    entry.ours.rps,
    `${entry.ours.p50} / ${entry.ours.p99}`,
    entry.bare.rps,
    `${entry.bare.p50} / ${entry.bare.p99}`,
    `${entry.ratio}×`,
    entry.plugins?.rps ?? '—',
    entry.pluginsRatio ? `${entry.pluginsRatio}×` : '—',
    [entry.ours, entry.bare, entry.plugins].map((side) => side?.non2xx ?? '—').join(' / '),
  ]),
)}

Ours runs with validation, the rate limiter (counting, limit out of reach), metrics and the SQLite read on; request logging is at \`warn\`. "Bare + plugins" is the bare server with only the cross-cutting plugins the service runs on every request (request id, helmet's headers, load shedding, rate limiting, request metrics) and no database: what those features cost by themselves.

## Fan-out on one node

${table(
  [
    'subscribers',
    'server',
    'updates/s',
    'steady p50 / p99 / max ms',
    'steady CPU µs/delivery',
    'burst deliveries/s',
    'burst CPU µs/delivery',
    'delivered',
  ],
  fanout.map((entry) => [
    entry.size,
    LABEL[entry.kind],
    entry.updatesPerSecond,
    `${entry.steady.p50Ms} / ${entry.steady.p99Ms} / ${entry.steady.maxMs}`,
    entry.steady.cpuMicrosPerDelivery,
    entry.burst.deliveriesPerSecond,
    entry.burst.cpuMicrosPerDelivery,
    `${entry.steady.delivered + entry.burst.delivered} / ${entry.steady.expected + entry.burst.expected}`,
  ]),
)}

An update of ours is a REST \`PATCH\` committed to SQLite and delivered through the change feed; the baselines broadcast on \`POST /publish\` with no storage, so our CPU per delivery includes the write.${
    fanout[0]?.rounds > 1
      ? ` Each server ran ${fanout[0].rounds} rounds at each size, alternating with the others; each figure is its better round (lowest latency and CPU, highest rate) and "delivered" adds the rounds up.`
      : ''
  }

## Memory per idle subscriber (after a forced GC)

${table(
  ['server', 'connections', 'RSS bytes / connection', 'heap bytes / connection'],
  memory.map((entry) => [
    LABEL[entry.kind],
    entry.connections,
    entry.rssBytesPerConnection,
    entry.heapBytesPerConnection,
  ]),
)}

${memory[0]?.rounds > 1 ? `Each server was measured in ${memory[0].rounds} rounds, in alternating order; the table keeps its lower figures.` : ''}

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
