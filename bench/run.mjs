// npm run bench [-- --quick]: every scenario, ours and its baselines alternately in one run; JSON to
// bench/results/, a table on stdout, and docs/BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { catalogMemoryScenario } from './scenarios/catalog-memory.mjs';
import { crossNodeScenario } from './scenarios/cross-node.mjs';
import { fanoutScenario } from './scenarios/fanout.mjs';
import { memoryScenario } from './scenarios/memory.mjs';
import { profilesScenario } from './scenarios/profiles.mjs';
import { reconnectScenario } from './scenarios/reconnect.mjs';
import { restScenario } from './scenarios/rest.mjs';
import { webhooksScenario } from './scenarios/webhooks.mjs';
import { writePathScenario } from './scenarios/write-path.mjs';
import { keepChaosSection } from './lib/chaos-section.mjs';
import { renderReport } from './lib/report.mjs';

const quick = process.argv.includes('--quick');

// `--render <results.json>`: rewrite docs/BENCHMARKS.md from a saved full run (e.g. after editing findings.md).
const render = process.argv.indexOf('--render');
if (render !== -1) {
  const saved = JSON.parse(await readFile(process.argv[render + 1], 'utf8'));
  await writeFile(
    'docs/BENCHMARKS.md',
    keepChaosSection(renderReport(saved), await readFile('docs/BENCHMARKS.md', 'utf8')),
  );
  process.exit(0);
}
execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  openFiles: execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim(),
};
const started = Date.now();
const results = { date: new Date().toISOString(), quick, machine, scenarios: {} };
const scenarios = [
  ['rest', restScenario],
  ['catalogMemory', catalogMemoryScenario],
  ['writePath', writePathScenario],
  ['fanout', fanoutScenario],
  ['memory', memoryScenario],
  ['crossNode', crossNodeScenario],
  ['reconnect', reconnectScenario],
  ['webhooks', webhooksScenario],
  ['profiles', profilesScenario],
];
for (const [name, scenario] of scenarios) {
  const scenarioStarted = Date.now();
  process.stdout.write(`--- ${name}\n`);
  results.scenarios[name] = await scenario({ quick });
  process.stdout.write(`    ${Math.round((Date.now() - scenarioStarted) / 1000)} s\n`);
}
results.seconds = Math.round((Date.now() - started) / 1000);

await mkdir('bench/results', { recursive: true });
const file = `bench/results/${results.date.replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`;
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
const report = renderReport(results);
process.stdout.write(`\n${report}\nresults: ${file}\n`);
if (!quick)
  await writeFile(
    'docs/BENCHMARKS.md',
    keepChaosSection(report, await readFile('docs/BENCHMARKS.md', 'utf8')),
  );
