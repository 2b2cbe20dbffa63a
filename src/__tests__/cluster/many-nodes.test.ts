import { jest } from '@jest/globals';
import { PetstoreClient, type ChangeNotification } from '../../client/index.js';
import { TestNginx } from '../helpers/nginx.js';
import { startProcessCluster, type ProcessCluster, type ProcessNode } from '../helpers/process-cluster.js';
import { RawSocket, type Frame } from '../helpers/raw-socket.js';
import { OwnRedisServer } from '../helpers/redis-server.js';
import { ADMIN } from '../helpers/test-app.js';
import { until } from '../helpers/until.js';

/**
 * Three node processes on PostgreSQL and a redis-server of the suite's own, behind nginx running the
 * repository's deploy/nginx/nginx.conf. The tests break Redis and a node; the machine's shared Redis is
 * never touched.
 */
jest.setTimeout(120_000);

const RATE_LIMIT_MAX = 30;
let redis: OwnRedisServer;
let cluster: ProcessCluster;
let nginx: TestNginx;
let adminToken: string;

beforeAll(async () => {
  redis = await OwnRedisServer.start();
  cluster = await startProcessCluster(3, redis.url, {
    TRUST_PROXY: '1',
    // Everything the suite sends from 127.0.0.1 is exempt; the rate-limit test forwards another address.
    RATE_LIMIT_ALLOWLIST: '127.0.0.1',
    RATE_LIMIT_MAX: String(RATE_LIMIT_MAX),
    WS_MAX_CONNECTIONS_PER_IP: '1000',
    EVENT_POLL_INTERVAL_MS: '200',
    NODE_HEARTBEAT_MS: '500',
  });
  nginx = await TestNginx.start(cluster.nodes.map((node) => node.port));
  adminToken = await login(nginx.http);
});

let afterCleanup: (() => void) | undefined;
afterEach(() => {
  afterCleanup?.();
  afterCleanup = undefined;
});

afterAll(async () => {
  await nginx?.stop();
  await cluster?.close();
  await redis?.kill();
});

async function login(base: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

function node(index: number): ProcessNode {
  return cluster.nodes[index] as ProcessNode;
}

async function createPet(base: string, name: string): Promise<{ status: number; id?: number }> {
  const response = await fetch(`${base}/api/v1/pets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ name }),
  });
  const body = (await response.json().catch(() => ({}))) as { id?: number };
  return { status: response.status, ...(response.status === 201 ? { id: body.id as number } : {}) };
}

interface Body {
  code?: string;
  status?: string;
  cluster?: { fanout: string; breaker: string };
  nodes?: Array<{ id: string; connections: { websocket: number } }>;
}

async function getJson(url: string, token?: string): Promise<{ status: number; body: Body }> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, body: (await response.json()) as Body };
}

async function subscriber(url: string): Promise<RawSocket> {
  const socket = await RawSocket.open(url);
  await socket.request('subscribe', { topics: ['pets'] });
  return socket;
}

const created = (socket: RawSocket): Frame[] =>
  socket.frames.filter((frame) => frame.event === 'pet.created');
const seqsOf = (frames: Array<Frame | ChangeNotification>) => frames.map((frame) => frame.seq as number);
const idsOf = (frames: Array<Frame | ChangeNotification>) =>
  frames.map((frame) => (frame.payload as { id: number }).id).sort((a, b) => a - b);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

async function pubsubMessages(target: ProcessNode): Promise<number> {
  const text = await (await fetch(`${target.http}/metrics`)).text();
  const line = text
    .split('\n')
    .find((entry) => entry.startsWith('cluster_messages_received_total{channel="events"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('three nodes behind nginx', () => {
  it('gives every subscriber, direct or through nginx, the writes of every node in one identical order', async () => {
    const sockets = await Promise.all([
      ...cluster.nodes.map((each) => subscriber(each.ws)),
      ...Array.from({ length: 6 }, () => subscriber(nginx.ws)),
    ]);
    const writes = await Promise.all(
      [node(0).http, node(2).http, nginx.http].flatMap((base) =>
        Array.from({ length: 15 }, (_, index) => createPet(base, `pet-${index}`)),
      ),
    );
    expect(writes.every((write) => write.status === 201)).toBe(true);
    const acknowledged = sorted(writes.map((write) => write.id as number));

    await until(
      () => sockets.every((socket) => created(socket).length >= 45),
      10_000,
      'every event everywhere',
    );
    const reference = seqsOf(created(sockets[1] as RawSocket));
    expect(reference).toEqual(sorted(reference));
    for (const socket of sockets) {
      expect(seqsOf(created(socket))).toEqual(reference);
      expect(idsOf(created(socket))).toEqual(acknowledged);
    }
    for (const socket of sockets) socket.close();
    // Prometheus scrapes the nodes directly; nginx does not publish their metrics.
    expect((await fetch(`${nginx.http}/metrics`)).status).toBe(404);
    expect((await fetch(`${node(0).http}/metrics`)).status).toBe(200);
  });

  it('refuses a token on node 2 as soon as it is logged out on node 1, over REST and on an open socket', async () => {
    const username = `cluster-user-${Date.now()}`;
    const signUp = await fetch(`${node(0).http}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'customer-password-1' }),
    });
    expect(signUp.status).toBe(201);
    const token = (
      (await (
        await fetch(`${node(0).http}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: 'customer-password-1' }),
        })
      ).json()) as { token: string }
    ).token;
    const socket = await RawSocket.open(node(1).ws);
    expect((await socket.request('authenticate', { token })).status).toBe('success');
    expect((await getJson(`${node(1).http}/api/v1/users/me`, token)).status).toBe(200);

    const logout = await fetch(`${node(0).http}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(204);
    const refused = await getJson(`${node(1).http}/api/v1/users/me`, token);
    expect([refused.status, refused.body.code]).toEqual([401, 'SESSION_REVOKED']);
    expect((await socket.next((frame) => frame.event === 'session.expired', 2000)).payload).toMatchObject({
      reason: 'revoked',
    });
    socket.close();
  });

  it('counts the rate limit of one client address across all nodes', async () => {
    const from = { 'x-forwarded-for': '203.0.113.50' };
    const statuses: number[] = [];
    for (let index = 0; index < RATE_LIMIT_MAX; index += 1) {
      const target = node(index % 3);
      statuses.push((await fetch(`${target.http}/api/v1/pets?limit=1`, { headers: from })).status);
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    for (const target of cluster.nodes) {
      const response = await fetch(`${target.http}/api/v1/pets?limit=1`, { headers: from });
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('keeps serving and delivering every event while Redis is down for 10 s, then returns to pub/sub', async () => {
    const sockets = await Promise.all([
      ...cluster.nodes.map((each) => subscriber(each.ws)),
      ...Array.from({ length: 3 }, () => subscriber(nginx.ws)),
    ]);
    const statuses: number[] = [];
    const acknowledged: number[] = [];
    let writing = true;
    const writer = (async () => {
      for (let index = 0; writing; index += 1) {
        const write = await createPet(nginx.http, `steady-${index}`);
        statuses.push(write.status);
        if (write.id !== undefined) acknowledged.push(write.id);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 1000));
    await redis.kill();
    const downSince = Date.now();
    await until(
      async () => {
        const states = await Promise.all(cluster.nodes.map((each) => getJson(`${each.http}/health`)));
        return states.every(({ body }) => body.status === 'degraded' && body.cluster?.fanout === 'polling');
      },
      5000,
      'every node to report degraded and poll',
    );
    const pingThroughNginx = await RawSocket.open(nginx.ws);
    expect((await pingThroughNginx.request('ping')).status).toBe('success');
    pingThroughNginx.close();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - downSince))));
    const writtenWhileDown = acknowledged.length;

    await redis.restart();
    await until(
      async () => {
        const states = await Promise.all(cluster.nodes.map((each) => getJson(`${each.http}/health`)));
        return states.every(
          ({ body }) =>
            body.status === 'ok' && body.cluster?.fanout === 'pubsub' && body.cluster?.breaker === 'closed',
        );
      },
      15_000,
      'every node back on pub/sub',
    );
    // Each node now hears of the others' writes over pub/sub again.
    const heardBefore = await Promise.all(cluster.nodes.map(pubsubMessages));
    for (const each of cluster.nodes) {
      const write = await createPet(each.http, `after-${each.id}`);
      statuses.push(write.status);
      if (write.id !== undefined) acknowledged.push(write.id);
    }
    await until(
      async () => {
        const heard = await Promise.all(cluster.nodes.map(pubsubMessages));
        return heard.every((count, index) => count >= (heardBefore[index] as number) + 2);
      },
      5000,
      'pub/sub messages on every node',
    );
    writing = false;
    await writer;

    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.every((status) => status === 201)).toBe(true);
    expect(writtenWhileDown).toBeGreaterThan(50);

    const expected = sorted(acknowledged);
    await until(
      () => sockets.every((socket) => created(socket).length >= expected.length),
      10_000,
      'every event on every subscriber',
    );
    const reference = seqsOf(created(sockets[0] as RawSocket));
    for (const socket of sockets) {
      expect(idsOf(created(socket))).toEqual(expected);
      expect(seqsOf(created(socket))).toEqual(reference);
    }
    for (const socket of sockets) socket.close();
  });

  it('moves 100 clients of a node killed with SIGKILL to the others, losing no event and no acknowledged write', async () => {
    const received = new Map<PetstoreClient, ChangeNotification[]>();
    const moved = new Set<PetstoreClient>();
    const clients = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const client = new PetstoreClient({
          url: nginx.ws,
          reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
        });
        const notifications: ChangeNotification[] = [];
        received.set(client, notifications);
        client.on('state', (state) => state === 'reconnecting' && moved.add(client));
        await client.connect();
        await client.subscribe(['pets'], (notification) => notifications.push(notification));
        return client;
      }),
    );
    const survivorWatch = await subscriber(node(0).ws);
    afterCleanup = () => {
      for (const client of clients) client.close();
      survivorWatch.close();
    };
    // The registry learns of the new connections with each node's next heartbeat.
    let byNode: NonNullable<Body['nodes']> = [];
    await until(
      async () => {
        byNode = (await getJson(`${node(0).http}/api/v1/cluster`, adminToken)).body.nodes ?? [];
        return byNode.reduce((sum, entry) => sum + entry.connections.websocket, 0) === 101;
      },
      5000,
      'the registry to count the clients',
    );
    const victimId = byNode
      .filter((entry) => entry.id !== node(0).id)
      .sort((a, b) => b.connections.websocket - a.connections.websocket)[0]?.id;
    const victim = cluster.nodes.find((each) => each.id === victimId) as ProcessNode;
    expect(byNode.find((entry) => entry.id === victimId)?.connections.websocket).toBeGreaterThanOrEqual(20);

    const acknowledged: number[] = [];
    let writing = true;
    const writer = (async () => {
      for (let index = 0; writing; index += 1) {
        const write = await createPet(nginx.http, `kill-${index}`);
        if (write.id !== undefined) acknowledged.push(write.id);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await cluster.kill(victim);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    writing = false;
    await writer;

    // Everything acknowledged is stored, and the survivor's subscriber saw every committed pet.
    const expected = sorted(acknowledged);
    await until(
      () => created(survivorWatch).length >= expected.length,
      10_000,
      'the survivor to see every write',
    );
    const reference = seqsOf(created(survivorWatch));
    expect(idsOf(created(survivorWatch))).toEqual(expect.arrayContaining(expected));
    // Whichever node nginx picks reads them, asked to reflect what the survivor's subscriber saw.
    const seen = { 'x-min-event-seq': String(Math.max(...reference)) };
    for (const id of expected.slice(-5)) {
      expect((await fetch(`${nginx.http}/api/v1/pets/${id}`, { headers: seen })).status).toBe(200);
    }

    const createdOf = (client: PetstoreClient) =>
      (received.get(client) as ChangeNotification[]).filter(
        (notification) => notification.event === 'pet.created',
      );
    await until(
      () => clients.every((client) => createdOf(client).length >= reference.length),
      20_000,
      'every client to catch up',
    );
    for (const client of clients) expect(seqsOf(createdOf(client))).toEqual(reference);
    const victimClients = byNode.find((entry) => entry.id === victimId)?.connections.websocket;
    expect(moved.size).toBe(victimClients);

    await until(
      async () => {
        const { body } = await getJson(`${nginx.http}/api/v1/cluster`, adminToken);
        return !(body.nodes ?? []).some((entry) => entry.id === victimId);
      },
      5000,
      'the killed node to leave the registry',
    );
  });
});
