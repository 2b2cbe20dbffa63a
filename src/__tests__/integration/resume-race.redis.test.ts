import { RawSocket } from '../helpers/raw-socket.js';
import { OwnRedisServer } from '../helpers/redis-server.js';
import type { TestApp } from '../helpers/test-app.js';
import { startCluster, type TestCluster } from '../helpers/test-cluster.js';
import { engine } from '../helpers/test-database.js';
import { until } from '../helpers/until.js';

/**
 * A node's in-order stream can trail the event table: it learns of other nodes' commits a poll (or a pub/sub
 * hop) later. A subscriber resuming with `since` on such a node is replayed from the table, then goes live;
 * the live stream must not hand it again what the replay already sent.
 */
const describeCluster = engine === 'postgres' ? describe : describe.skip;

const POLL_MS = 1500;

describeCluster('resuming on a node that trails the event table', () => {
  let cluster: TestCluster;
  let redis: OwnRedisServer;

  beforeAll(async () => {
    redis = await OwnRedisServer.start();
    cluster = await startCluster(2, { EVENT_POLL_INTERVAL_MS: String(POLL_MS) }, redis.url);
    // Without pub/sub, B hears of A's commits only when it next reads the table.
    await redis.kill();
    const health = async () =>
      (await (cluster.nodes[1] as TestApp).call({ method: 'GET', url: '/health' })).json();
    await until(async () => (await health()).cluster.fanout === 'polling', 5000, 'B to poll');
  });
  afterAll(async () => {
    await cluster?.close();
    await redis?.kill();
  });

  it('sends each event once: the replay reads ahead of the live stream, which then catches up', async () => {
    const [a, b] = cluster.nodes as [TestApp, TestApp];
    const token = await a.adminToken();
    const create = async (name: string) => {
      const response = await a.call({ method: 'POST', url: '/api/v1/pets', token, body: { name } });
      expect(response.statusCode).toBe(201);
      return Number(response.headers['x-event-seq']);
    };
    for (let round = 0; round < 3; round += 1) {
      const since = await b.app.services.feed.currentSeq(b.app.database.db);
      const newest = [await create(`ahead-${round}-1`), await create(`ahead-${round}-2`)].at(-1) as number;
      const socket = await RawSocket.open(cluster.wsUrls[1] as string);
      const answer = await socket.request('subscribe', { topics: ['pets', 'inventory'], since });
      expect(answer.status).toBe('success');
      await socket.waitForSeq(newest);
      // Wait out B's next read of the table, which delivers the same events live.
      await new Promise((resolve) => setTimeout(resolve, POLL_MS + 500));
      const everySeq = Array.from({ length: newest - since }, (_, index) => since + 1 + index);
      expect(socket.events().map((event) => event.seq)).toEqual(everySeq);
      socket.close();
    }
  });
});
