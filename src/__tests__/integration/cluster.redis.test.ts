import { RawSocket, type Frame } from '../helpers/raw-socket.js';
import { OwnRedisServer } from '../helpers/redis-server.js';
import type { TestApp } from '../helpers/test-app.js';
import { startCluster, type TestCluster } from '../helpers/test-cluster.js';
import { engine } from '../helpers/test-database.js';
import { until } from '../helpers/until.js';

/**
 * Nodes of one cluster (PostgreSQL + Redis) in this process, each on its own port. Cluster mode needs
 * PostgreSQL, so on SQLite this suite has nothing to run.
 */
const describeCluster = engine === 'postgres' ? describe : describe.skip;

async function subscriber(url: string, topics = ['pets']): Promise<RawSocket> {
  const socket = await RawSocket.open(url);
  await socket.request('subscribe', { topics });
  return socket;
}

const created = (socket: RawSocket) => socket.frames.filter((frame) => frame.event === 'pet.created');
const seqs = (frames: Frame[]) => frames.map((frame) => frame.seq as number);

async function createPets(node: TestApp, count: number, name: string): Promise<number[]> {
  const token = await node.adminToken();
  const responses = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      node.call({ method: 'POST', url: '/api/v1/pets', token, body: { name: `${name}-${index}` } }),
    ),
  );
  for (const response of responses) expect(response.statusCode).toBe(201);
  return responses.map((response) => response.json().id as number);
}

const PUBSUB_EVENTS = 'cluster_messages_received_total{channel="events"';

const health = async (node: TestApp) => (await node.call({ method: 'GET', url: '/health' })).json();

async function metric(node: TestApp, name: string): Promise<number> {
  const text = (await node.call({ method: 'GET', url: '/metrics' })).body;
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describeCluster('several nodes on one PostgreSQL and Redis', () => {
  let cluster: TestCluster;
  afterEach(() => cluster?.close());

  it('delivers writes made on A and on C to subscribers on every node in one identical seq order', async () => {
    cluster = await startCluster(3);
    const [a, , c] = cluster.nodes as [TestApp, TestApp, TestApp];
    expect(await health(a)).toMatchObject({ status: 'ok', cluster: { fanout: 'pubsub', breaker: 'closed' } });
    const sockets = await Promise.all(cluster.wsUrls.flatMap((url) => [subscriber(url), subscriber(url)]));

    const written = (await Promise.all([createPets(a, 25, 'from-a'), createPets(c, 25, 'from-c')])).flat();
    await until(() => sockets.every((socket) => created(socket).length === 50), 10_000, 'all 50 events');

    const reference = seqs(created(sockets[0] as RawSocket));
    expect(reference).toEqual([...reference].sort((x, y) => x - y));
    expect(new Set(reference).size).toBe(50);
    for (const socket of sockets) expect(seqs(created(socket))).toEqual(reference);
    const ids = created(sockets[2] as RawSocket).map((frame) => (frame.payload as { id: number }).id);
    expect([...ids].sort((x, y) => x - y)).toEqual([...written].sort((x, y) => x - y));
    // B heard of the writes on A and C over pub/sub, not by reading the table.
    expect(await metric(cluster.nodes[1] as TestApp, PUBSUB_EVENTS)).toBeGreaterThanOrEqual(50);
    for (const socket of sockets) socket.close();
  });

  it('refuses a session ended on A at once on B, over REST and on an open socket', async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.nodes as [TestApp, TestApp];
    const customer = await a.customer();
    const socket = await RawSocket.open(cluster.wsUrls[1] as string);
    await socket.request('authenticate', { token: customer.token });
    await socket.request('subscribe', { topics: ['orders'] });
    expect((await b.call({ method: 'GET', url: '/api/v1/users/me', token: customer.token })).statusCode).toBe(
      200,
    );

    expect(
      (await a.call({ method: 'POST', url: '/api/v1/auth/logout', token: customer.token })).statusCode,
    ).toBe(204);
    const refused = await b.call({ method: 'GET', url: '/api/v1/users/me', token: customer.token });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('SESSION_REVOKED');
    const notice = await socket.next((frame) => frame.event === 'session.expired', 2000);
    expect(notice.payload).toMatchObject({ reason: 'revoked', droppedTopics: ['orders'] });
    expect((await socket.request('users.me')).payload).toMatchObject({ code: 'UNAUTHENTICATED' });
    socket.close();
  });

  it('lists the live nodes to admins only, and a node that leaves disappears', async () => {
    cluster = await startCluster(3, { NODE_HEARTBEAT_MS: '200' });
    const [a] = cluster.nodes as [TestApp];
    const list = async () =>
      (await a.call({ method: 'GET', url: '/api/v1/cluster', token: await a.adminToken() })).json()
        .nodes as Array<{
        id: string;
        address: string;
        connections: { websocket: number };
      }>;
    const socket = await RawSocket.open(cluster.wsUrls[1] as string);
    await until(async () => (await list()).find((node) => node.id === 'node-b')?.connections.websocket === 1);
    const nodes = await list();
    expect(nodes.map((node) => node.id)).toEqual(['node-a', 'node-b', 'node-c']);
    const ports = cluster.wsUrls.map((url) => new URL(url).port);
    expect(nodes.map((node) => node.address)).toEqual(ports.map((port) => `127.0.0.1:${port}`));
    const customer = await a.customer();
    expect((await a.call({ method: 'GET', url: '/api/v1/cluster', token: customer.token })).statusCode).toBe(
      403,
    );

    await cluster.stop(2);
    expect((await list()).map((node) => node.id)).toEqual(['node-a', 'node-b']);
    socket.close();
  });

  it('polls the event table while Redis is down, reports degraded, and returns to pub/sub: nothing lost', async () => {
    const redis = await OwnRedisServer.start();
    try {
      cluster = await startCluster(2, { EVENT_POLL_INTERVAL_MS: '100', NODE_HEARTBEAT_MS: '200' }, redis.url);
      const [a, b] = cluster.nodes as [TestApp, TestApp];
      const onB = await subscriber(cluster.wsUrls[1] as string);
      const onA = await subscriber(cluster.wsUrls[0] as string);
      const written = await createPets(a, 5, 'before');
      await until(() => created(onB).length === 5, 5000, 'the first events on B');

      await redis.kill();
      await until(async () => (await health(b)).cluster.fanout === 'polling', 5000, 'B to poll');
      const during = [];
      for (let round = 0; round < 10; round += 1) {
        during.push(...(await createPets(a, 2, 'during')), ...(await createPets(b, 1, 'during-b')));
      }
      await until(() => created(onB).length === 35 && created(onA).length === 35, 5000, 'events while down');
      for (const node of [a, b]) {
        expect(await health(node)).toMatchObject({ status: 'degraded', services: { redis: 'down' } });
      }
      const unavailable = await a.call({
        method: 'GET',
        url: '/api/v1/cluster',
        token: await a.adminToken(),
      });
      expect(unavailable.statusCode).toBe(503);
      expect(unavailable.json().code).toBe('CLUSTER_UNAVAILABLE');
      // A's publishes failed in a row: its breaker opened, on /health and as a metric.
      await until(
        async () => (await metric(a, 'redis_circuit_breaker_state')) === 2,
        5000,
        'the breaker to open',
      );
      expect((await health(a)).cluster.breaker).toMatch(/^(open|half-open)$/);

      // No revocation can cross over pub/sub now; B finds the ended session in the database.
      const customer = await a.customer();
      const signedIn = await RawSocket.open(cluster.wsUrls[1] as string);
      await signedIn.request('authenticate', { token: customer.token });
      await a.call({ method: 'POST', url: '/api/v1/auth/logout', token: customer.token });
      expect((await signedIn.next((frame) => frame.event === 'session.expired', 3000)).payload).toMatchObject(
        {
          reason: 'revoked',
        },
      );
      signedIn.close();

      await redis.restart();
      const recovered = async (node: TestApp) => {
        const state = await health(node);
        return (
          state.status === 'ok' && state.cluster.fanout === 'pubsub' && state.cluster.breaker === 'closed'
        );
      };
      await until(async () => (await recovered(a)) && (await recovered(b)), 10_000, 'pub/sub again');
      const heardBefore = await metric(b, PUBSUB_EVENTS);
      const after = await createPets(a, 5, 'after');
      await until(() => created(onB).length === 40 && created(onA).length === 40, 5000, 'events after');
      expect(await metric(b, PUBSUB_EVENTS)).toBeGreaterThanOrEqual(heardBefore + 5);

      const all = [...written, ...during, ...after].sort((x, y) => x - y);
      for (const socket of [onA, onB]) {
        const ids = created(socket).map((frame) => (frame.payload as { id: number }).id);
        expect([...ids].sort((x, y) => x - y)).toEqual(all);
        expect(seqs(created(socket))).toEqual([...seqs(created(socket))].sort((x, y) => x - y));
      }
      onA.close();
      onB.close();
    } finally {
      await cluster?.close();
      await redis.kill();
    }
  });
});
