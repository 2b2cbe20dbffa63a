import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from './test-app.js';
import { createTestDatabase } from './test-database.js';

export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestCluster {
  nodes: TestApp[];
  /** ws:// URL of each node, in order. */
  wsUrls: string[];
  /** Closes one node (gracefully) before the others. */
  stop(index: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Several nodes in this process on one PostgreSQL database and one Redis (keys under a fresh prefix), each
 * listening on its own port, as a cluster of processes would be.
 */
export async function startCluster(
  count: number,
  env: Record<string, string> = {},
  redisUrl = SHARED_REDIS_URL,
): Promise<TestCluster> {
  const database = await createTestDatabase();
  const prefix = `test-${randomBytes(6).toString('hex')}:`;
  const nodes: TestApp[] = [];
  const wsUrls: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const node = await startTestApp(
      { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, NODE_ID: `node-${'abc'[index] ?? index}`, ...env },
      { sharedDatabase: database },
    );
    nodes.push(node);
    wsUrls.push((await node.listen()).ws);
  }
  const stopped = new Set<number>();
  const stop = async (index: number) => {
    if (stopped.has(index)) return;
    stopped.add(index);
    await nodes[index]?.close();
  };
  return {
    nodes,
    wsUrls,
    stop,
    close: async () => {
      try {
        for (const index of nodes.keys()) await stop(index);
      } finally {
        await database.drop();
      }
    },
  };
}
