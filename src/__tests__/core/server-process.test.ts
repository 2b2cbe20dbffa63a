import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/free-port.js';
import { startServer, waitFor } from '../helpers/server-process.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'petstore-process-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('the server process', () => {
  it('starts on an empty SQLite directory with demo pets, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
    try {
      const health = await waitFor(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const pets = await (await fetch(`http://127.0.0.1:${port}/api/v1/pets`)).json();
      expect(pets.items.length).toBeGreaterThanOrEqual(5);
      expect(server.output()).toContain('JWT_SECRET is not set');
      expect((await fetch(`http://127.0.0.1:${port}/documentation/json`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('does not seed when SEED_DEMO_DATA=false', async () => {
    const port = await freePort();
    const server = startServer({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SEED_DEMO_DATA: 'false',
    });
    try {
      await waitFor(`http://127.0.0.1:${port}/health`);
      const pets = await (await fetch(`http://127.0.0.1:${port}/api/v1/pets`)).json();
      expect(pets.items).toEqual([]);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET is required when NODE_ENV=production'],
    [{ DATABASE_URL: 'mysql://nowhere/db' }, 'DATABASE_URL'],
  ])('refuses to start with %j, exiting 1 and naming the variable', async (env, expected) => {
    const server = startServer({ DATA_DIR: dataDir, ...env });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(expected);
  });
});
