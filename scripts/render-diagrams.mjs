// Renders every ```mermaid block of the documents below to SVG under artifacts/diagrams/ with mermaid-cli and the
// system's Chromium (CHROMIUM_PATH, default /usr/bin/chromium). A diagram that does not parse fails the run.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const outDir = 'artifacts/diagrams';
const DOCUMENTS = ['README.md', 'docs/ARCHITECTURE.md'];
const diagrams = [];
for (const document of DOCUMENTS) {
  const text = await readFile(document, 'utf8');
  const found = [...text.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
  if (found.length === 0) throw new Error(`${document} has no mermaid diagrams`);
  diagrams.push(...found);
}

await mkdir(outDir, { recursive: true });
const puppeteerConfig = join(outDir, 'puppeteer.json');
await writeFile(
  puppeteerConfig,
  JSON.stringify({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  }),
);

let failed = 0;
for (const [index, source] of diagrams.entries()) {
  const name = `diagram-${index + 1}`;
  const input = join(outDir, `${name}.mmd`);
  await writeFile(input, source);
  try {
    await run('node_modules/.bin/mmdc', [
      '-q',
      '-i',
      input,
      '-o',
      join(outDir, `${name}.svg`),
      '-p',
      puppeteerConfig,
    ]);
    console.log(`ok    ${name}: ${source.split('\n')[0]}`);
  } catch (error) {
    failed += 1;
    console.error(`FAIL  ${name}: ${source.split('\n')[0]}\n${error.stderr || error.message}`);
  }
}
if (failed > 0) process.exit(1);
console.log(`${diagrams.length} diagrams rendered to ${outDir}/`);
