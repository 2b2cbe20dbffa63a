import { jest } from '@jest/globals';
import { startProcessCluster, type ProcessCluster, type ProcessNode } from '../helpers/process-cluster.js';
import { OwnRedisServer } from '../helpers/redis-server.js';
import { ADMIN } from '../helpers/test-app.js';
import { until } from '../helpers/until.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * Webhooks delivered by two node processes on one PostgreSQL database: each event once between them, and a node
 * killed with SIGKILL mid-stream leaves its webhook to the survivor (lease taken over) and, restarted, sends
 * nothing acknowledged again.
 */
jest.setTimeout(120_000);

const LEASE_MS = 2000;
let redis: OwnRedisServer;
let cluster: ProcessCluster;
let nodeA: ProcessNode;
let nodeB: ProcessNode;
const receiver = new WebhookReceiver();
let url: string;

beforeAll(async () => {
  redis = await OwnRedisServer.start();
  cluster = await startProcessCluster(2, redis.url, {
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_POLL_INTERVAL_MS: '100',
    WEBHOOK_LEASE_MS: String(LEASE_MS),
    WEBHOOK_RETRY_BASE_MS: '100',
  });
  [nodeA, nodeB] = cluster.nodes as [ProcessNode, ProcessNode];
  url = await receiver.start();
});
afterAll(async () => {
  await cluster?.close();
  await redis?.kill();
  await receiver.close();
});

async function call(node: ProcessNode, method: string, path: string, body?: unknown) {
  const token = await tokenOn(node);
  const response = await fetch(`${node.http}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: response.status === 204 ? undefined : await response.json() };
}
const tokens = new Map<ProcessNode, string>();
async function tokenOn(node: ProcessNode): Promise<string> {
  if (!tokens.has(node)) {
    const response = await fetch(`${node.http}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    tokens.set(node, (await response.json()).token);
  }
  return tokens.get(node) as string;
}

/** The seqs once each, in first-arrival order, and those that arrived again. */
function deduplicated(seqs: number[]): { unique: number[]; repeated: number[] } {
  const seen = new Set<number>();
  const repeated: number[] = [];
  for (const seq of seqs) {
    if (seen.has(seq)) repeated.push(seq);
    seen.add(seq);
  }
  return { unique: [...seen], repeated };
}

it('delivers each event once between two nodes writing at the same time', async () => {
  receiver.requests.length = 0;
  const created = await call(nodeA, 'POST', '/webhooks', { url, topics: ['pets'] });
  expect(created.status).toBe(201);
  const pets = await Promise.all(
    [nodeA, nodeB].map((node) => call(node, 'POST', '/pets', { name: node.id })),
  );
  const writes = Array.from({ length: 100 }, (_, index) => {
    const [node, pet] = index % 2 === 0 ? [nodeA, pets[0]!] : [nodeB, pets[1]!];
    return call(node, 'PATCH', `/pets/${pet.body.id}`, { name: `${node.id} ${index}` });
  });
  const results = await Promise.all(writes);
  expect(results.every((result) => result.status === 200)).toBe(true);
  await until(
    () => receiver.requests.length >= 102,
    30_000,
    () => `102 deliveries, got ${receiver.requests.length}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 500)); // anything sent twice would arrive by now
  const seqs = receiver.seqs();
  expect(seqs).toHaveLength(102);
  expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
  const webhook = (await call(nodeB, 'GET', `/webhooks/${created.body.id}`)).body;
  expect(webhook).toMatchObject({ status: 'active', backlog: 0, cursor: seqs.at(-1) });
  expect((await call(nodeA, 'DELETE', `/webhooks/${created.body.id}`)).status).toBe(204);
});

it('survives SIGKILL mid-stream: the other node takes the webhook over, and the restarted node resends nothing acknowledged', async () => {
  receiver.requests.length = 0;
  // Only A runs while the webhook starts, so A holds its lease.
  expect(await cluster.terminate(nodeB)).toBe(0);
  const created = await call(nodeA, 'POST', '/webhooks', { url, topics: ['pets'] });
  const pet = (await call(nodeA, 'POST', '/pets', { name: 'Streamed' })).body;
  receiver.delayMs = 25; // so that the stream is still going when A dies
  for (let index = 0; index < 60; index += 1) {
    await call(nodeA, 'PATCH', `/pets/${pet.id}`, { name: `Before ${index}` });
  }
  await until(() => receiver.requests.length >= 10, 10_000, 'the stream to start');
  await cluster.kill(nodeA);
  tokens.delete(nodeA);
  const killedAt = receiver.requests.length;
  await cluster.restart(nodeB);
  tokens.delete(nodeB);
  for (let index = 0; index < 20; index += 1) {
    await call(nodeB, 'PATCH', `/pets/${pet.id}`, { name: `After ${index}` });
  }
  await until(
    () => deduplicated(receiver.seqs({ acknowledged: true })).unique.length >= 81,
    LEASE_MS * 5 + 20_000,
    () => `81 events acknowledged, got ${deduplicated(receiver.seqs({ acknowledged: true })).unique.length}`,
  );
  expect(killedAt).toBeLessThan(61); // A died with most of the stream unsent
  await cluster.restart(nodeA);
  tokens.delete(nodeA);
  await call(nodeA, 'PATCH', `/pets/${pet.id}`, { name: 'Last' });
  await until(
    () => deduplicated(receiver.seqs({ acknowledged: true })).unique.length >= 82,
    20_000,
    'the last event',
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const acknowledged = receiver.seqs({ acknowledged: true });
  const { unique, repeated } = deduplicated(acknowledged);
  expect(unique).toEqual([...unique].sort((a, b) => a - b));
  expect(unique).toHaveLength(82);
  expect(repeated.length).toBeLessThanOrEqual(1);
  const names = receiver.requests.map((request) => JSON.parse(request.body).payload.name as string);
  expect([...new Set(names)]).toEqual([
    'Streamed',
    ...Array.from({ length: 60 }, (_, index) => `Before ${index}`),
    ...Array.from({ length: 20 }, (_, index) => `After ${index}`),
    'Last',
  ]);
  expect((await call(nodeB, 'DELETE', `/webhooks/${created.body.id}`)).status).toBe(204);
});
