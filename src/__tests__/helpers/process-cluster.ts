import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startServer, waitFor, type ServerProcess } from './server-process.js';
import { ADMIN } from './test-app.js';
import { createTestDatabase } from './test-database.js';

export interface ProcessNode {
  id: string;
  port: number;
  http: string;
  ws: string;
  process: ServerProcess;
}

export interface ProcessCluster {
  nodes: ProcessNode[];
  /** `kill -9`: the node gets no chance to say goodbye. */
  kill(node: ProcessNode): Promise<void>;
  close(): Promise<void>;
}

/** Node processes (src/server.ts) on one fresh PostgreSQL database and the given Redis, each on a free port. */
export async function startProcessCluster(
  count: number,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<ProcessCluster> {
  const database = await createTestDatabase();
  if (!database.url) throw new Error('a cluster needs PostgreSQL');
  const dataDir = await mkdtemp(join(tmpdir(), 'petstore-cluster-'));
  const shared = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `cluster-${randomBytes(6).toString('hex')}:`,
    DATA_DIR: dataDir,
    JWT_SECRET: 'a-secret-for-cluster-tests-0123456789abcdef',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
    ...env,
  };
  const nodes: ProcessNode[] = [];
  for (let index = 0; index < count; index += 1) {
    const port = await freePort();
    const id = `node-${index + 1}`;
    nodes.push({
      id,
      port,
      http: `http://127.0.0.1:${port}`,
      ws: `ws://127.0.0.1:${port}/ws`,
      process: startServer({ ...shared, PORT: String(port), NODE_ID: id }),
    });
    // One at a time: the first one runs the migrations and creates the admin.
    const ready = await waitFor(`http://127.0.0.1:${port}/ready`);
    if (ready.status !== 200) throw new Error(`${id} is not ready:\n${nodes.at(-1)?.process.output()}`);
  }

  const kill = async (node: ProcessNode) => {
    if (node.process.child.exitCode !== null || node.process.child.signalCode !== null) return;
    node.process.child.kill('SIGKILL');
    await node.process.exited;
  };
  return {
    nodes,
    kill,
    close: async () => {
      await Promise.all(
        nodes.map(async (node) => {
          if (node.process.child.exitCode !== null || node.process.child.signalCode !== null) return;
          node.process.child.kill('SIGTERM');
          await node.process.exited;
        }),
      );
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
