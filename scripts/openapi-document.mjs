// Writes the service's OpenAPI document, as GET /documentation/json serves it, to the file named on the command
// line (for the linters and the generated-client tests). Builds the app in memory on a throwaway SQLite store.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../dist/app.js';
import { loadConfig, startupFacts } from '../dist/config.js';

const [target] = process.argv.slice(2);
if (!target) {
  console.error('usage: node scripts/openapi-document.mjs <file.json>');
  process.exit(2);
}
const dataDir = await mkdtemp(join(tmpdir(), 'openapi-document-'));
try {
  const environment = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: 'document-only-0123456789abcdef0123456789',
  };
  const app = await buildApp({ config: loadConfig(environment, startupFacts()), logger: false });
  const response = await app.inject({ method: 'GET', url: '/documentation/json' });
  await writeFile(target, `${JSON.stringify(response.json(), null, 2)}\n`);
  await app.close();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
