// Writes the chaos section of docs/BENCHMARKS.md from chaos reports: `node bench/chaos-report.mjs <report.json>...`
import { readFile, writeFile } from 'node:fs/promises';
import { chaosSection, replaceChaosSection } from './lib/chaos-section.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/chaos-report.mjs <chaos report.json>...');
  process.exit(1);
}
const reports = await Promise.all(files.map(async (file) => JSON.parse(await readFile(file, 'utf8'))));
const page = await readFile('docs/BENCHMARKS.md', 'utf8');
await writeFile('docs/BENCHMARKS.md', replaceChaosSection(page, chaosSection(reports)));
process.stdout.write(`docs/BENCHMARKS.md: chaos section from ${files.join(', ')}\n`);
