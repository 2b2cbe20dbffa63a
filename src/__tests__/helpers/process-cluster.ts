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
  /** SIGTERM, and waits for the process to exit; resolves with its exit code. */
  terminate(node: ProcessNode): Promise<number | null>;
  /** Starts a stopped node again on its port; resolves once it listens. */
  restart(node: ProcessNode): Promise<void>;
  close(): Promise<void>;
}

const running = (node: ProcessNode) =>
  node.process.child.exitCode === null && node.process.child.signalCode === null;

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
  const spawnNode = (id: string, port: number) => startServer({ ...shared, PORT: String(port), NODE_ID: id });
  const listening = async (node: ProcessNode) => {
    const ready = await waitFor(`${node.http}/ready`);
    if (ready.status !== 200) throw new Error(`${node.id} is not ready:\n${node.process.output()}`);
  };
  for (let index = 0; index < count; index += 1) {
    const port = await freePort();
    const id = `node-${index + 1}`;
    const node = {
      id,
      port,
      http: `http://127.0.0.1:${port}`,
      ws: `ws://127.0.0.1:${port}/ws`,
      process: spawnNode(id, port),
    };
    nodes.push(node);
    // One at a time: the first one runs the migrations and creates the admin.
    await listening(node);
  }

  const kill = async (node: ProcessNode) => {
    if (!running(node)) return;
    node.process.child.kill('SIGKILL');
    await node.process.exited;
  };
  const terminate = async (node: ProcessNode) => {
    if (running(node)) node.process.child.kill('SIGTERM');
    return node.process.exited;
  };
  return {
    nodes,
    kill,
    terminate,
    restart: async (node) => {
      if (running(node)) throw new Error(`${node.id} is still running`);
      node.process = spawnNode(node.id, node.port);
      await listening(node);
    },
    close: async () => {
      await Promise.all(nodes.map(terminate));
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
