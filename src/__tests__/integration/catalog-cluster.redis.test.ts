import type { Pet } from '../../schemas/pets.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { OwnRedisServer } from '../helpers/redis-server.js';
import type { TestApp } from '../helpers/test-app.js';
import { startCluster, type TestCluster } from '../helpers/test-cluster.js';
import { engine } from '../helpers/test-database.js';
import { until } from '../helpers/until.js';

/**
 * Each node answers pet reads from its own catalog, fed by its own live feed: reads on one node of writes made on
 * another, snapshots that line up with the stream, restarts under writes, and a Redis outage. Cluster mode needs
 * PostgreSQL, so on SQLite this suite has nothing to run.
 */
const describeCluster = engine === 'postgres' ? describe : describe.skip;

const EVERY_STATUS = '/api/v1/pets/findByStatus?status=available,pending,sold';

async function allPets(node: TestApp, headers: Record<string, string> = {}) {
  const response = await node.call({ method: 'GET', url: EVERY_STATUS, headers });
  expect(response.statusCode).toBe(200);
  return { pets: response.json() as Pet[], seq: Number(response.headers['x-event-seq']) };
}

/**
 * Creates and renames pets on a node until `stop` is set; every write must succeed. Returns how many it made
 * and the seq of the last (what a read elsewhere must reflect to see them all).
 */
async function writeUntil(
  node: TestApp,
  stop: { now: boolean },
  label: string,
): Promise<{ writes: number; lastSeq: number }> {
  const token = await node.adminToken();
  let writes = 0;
  let lastSeq = 0;
  while (!stop.now) {
    const created = await node.call({
      method: 'POST',
      url: '/api/v1/pets',
      token,
      body: { name: `${label}-${writes}` },
    });
    expect(created.statusCode).toBe(201);
    const renamed = await node.call({
      method: 'PATCH',
      url: `/api/v1/pets/${created.json().id}`,
      token,
      body: { name: `${label}-${writes}-renamed`, status: writes % 2 === 0 ? 'sold' : 'available' },
    });
    expect(renamed.statusCode).toBe(200);
    lastSeq = Number(renamed.headers['x-event-seq']);
    writes += 2;
  }
  return { writes, lastSeq };
}

const health = async (node: TestApp) => (await node.call({ method: 'GET', url: '/health' })).json();

describeCluster('the per-node catalog across nodes', () => {
  let cluster: TestCluster;
  afterEach(() => cluster?.close());

  it('reads a write made on A at once on B with X-Min-Event-Seq, and minSeq over WebSocket, hundreds of times', async () => {
    // A request a round on one socket: the per-connection message limit is not what this test is about.
    cluster = await startCluster(2, { WS_MESSAGES_PER_MINUTE: '100000', WS_MESSAGE_BURST: '1000' });
    const [a, b] = cluster.nodes as [TestApp, TestApp];
    const token = await a.adminToken();
    const pet = (
      await a.call({ method: 'POST', url: '/api/v1/pets', token, body: { name: 'start' } })
    ).json();
    const socketOnB = await RawSocket.open(cluster.wsUrls[1] as string);
    for (let round = 0; round < 300; round += 1) {
      const name = `round-${round}`;
      const written = await a.call({ method: 'PATCH', url: `/api/v1/pets/${pet.id}`, token, body: { name } });
      const seq = written.headers['x-event-seq'] as string;
      const [onB, listOnB, onA] = await Promise.all([
        b.call({ method: 'GET', url: `/api/v1/pets/${pet.id}`, headers: { 'x-min-event-seq': seq } }),
        b.call({ method: 'GET', url: `/api/v1/pets?name=${name}`, headers: { 'x-min-event-seq': seq } }),
        // The node that took the write reflects it without being asked.
        a.call({ method: 'GET', url: `/api/v1/pets/${pet.id}` }),
      ]);
      for (const read of [onB, listOnB, onA]) {
        expect(read.statusCode).toBe(200);
        expect(Number(read.headers['x-event-seq'])).toBeGreaterThanOrEqual(Number(seq));
      }
      expect(onB.json().name).toBe(name);
      expect(listOnB.json().items.map((item: Pet) => item.id)).toEqual([pet.id]);
      expect(onA.json().name).toBe(name);
      // The same over WebSocket: `minSeq` on the request frame.
      const overWs = await socketOnB.request('pets.get', { id: pet.id }, { minSeq: Number(seq) });
      expect(overWs).toMatchObject({ status: 'success', payload: { name } });
      expect(overWs.seq as number).toBeGreaterThanOrEqual(Number(seq));
    }
    socketOnB.close();
    const beyond = await b.call({
      method: 'GET',
      url: '/api/v1/pets',
      headers: { 'x-min-event-seq': '999999' },
    });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json().code).toBe('SEQ_NOT_REACHED');
  }, 120_000);

  it('gives a snapshot on B that, with subscribe since its seq, misses nothing and repeats nothing', async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.nodes as [TestApp, TestApp];
    const stop = { now: false };
    const writers = [writeUntil(a, stop, 'a'), writeUntil(b, stop, 'b')];
    await new Promise((resolve) => setTimeout(resolve, 300));

    const snapshot = await allPets(b);
    const socket = await RawSocket.open(cluster.wsUrls[1] as string);
    await socket.request('subscribe', { topics: ['pets'], since: snapshot.seq });
    await new Promise((resolve) => setTimeout(resolve, 700));
    stop.now = true;
    const lastSeq = Math.max(...(await Promise.all(writers)).map((writer) => writer.lastSeq));

    // A's catalog may still be applying B's last writes: ask it to reflect them all.
    const final = await allPets(a, { 'x-min-event-seq': String(lastSeq) });
    await until(
      () => socket.frames.some((frame) => typeof frame.seq === 'number' && frame.seq >= final.seq),
      5000,
      'the stream to reach the final seq',
    ).catch(() => undefined); // the last events may be of another topic: the comparison below decides
    const events = socket.frames.filter((frame) => typeof frame.seq === 'number');
    const seqs = events.map((frame) => frame.seq as number);
    expect(seqs.every((seq) => seq > snapshot.seq)).toBe(true);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);

    const state = new Map(snapshot.pets.map((pet) => [pet.id, pet]));
    for (const frame of events) {
      const payload = frame.payload as Pet;
      if (frame.event === 'pet.deleted') state.delete(payload.id);
      else state.set(payload.id, payload);
    }
    const rebuilt = [...state.values()].sort((x, y) => x.id - y.id);
    expect(rebuilt).toEqual(final.pets);
    socket.close();
  }, 60_000);

  it('rebuilds a restarted node from one snapshot while the other keeps writing', async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.nodes as [TestApp, TestApp];
    const stop = { now: false };
    const writer = writeUntil(a, stop, 'during-restart');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await b.restart();
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop.now = true;
    expect((await writer).writes).toBeGreaterThan(0);

    const onA = await allPets(a);
    const onB = await allPets(b, { 'x-min-event-seq': String(onA.seq) });
    expect(onB.pets).toEqual(onA.pets);
    expect((await health(b)).catalog).toMatchObject({ source: 'memory', pets: onA.pets.length });
  }, 60_000);

  it('lags while Redis is down, true to its X-Event-Seq and shown in /health, then catches up', async () => {
    const redis = await OwnRedisServer.start();
    try {
      // No poll comes in this test's time: only Redis coming back brings B the write.
      cluster = await startCluster(
        2,
        { EVENT_POLL_INTERVAL_MS: '120000', CATALOG_MIN_SEQ_WAIT_MS: '0' },
        redis.url,
      );
      const [a, b] = cluster.nodes as [TestApp, TestApp];
      await redis.kill();
      await until(async () => (await health(b)).cluster.fanout === 'polling', 5000, 'B to poll');
      await new Promise((resolve) => setTimeout(resolve, 200)); // past the poll that entering polling makes
      const token = await a.adminToken();
      const created = await a.call({
        method: 'POST',
        url: '/api/v1/pets',
        token,
        body: { name: 'while-down' },
      });
      const seq = Number(created.headers['x-event-seq']);
      const url = `/api/v1/pets/${created.json().id}`;

      const lagging = (await health(b)).catalog;
      expect(lagging.seq).toBeLessThan(seq);
      expect(lagging.lagEvents).toBe(seq - lagging.seq);
      expect(lagging.lagSeconds).toBeGreaterThan(0);
      expect((await b.call({ method: 'GET', url: '/metrics' })).body).toMatch(
        new RegExp(`^catalog_lag_events\\{node="node-b"\\} ${seq - lagging.seq}$`, 'm'),
      );
      // B's own answers are those of its seq: the pet does not exist there yet, the inventory lacks it.
      expect((await b.call({ method: 'GET', url })).statusCode).toBe(404);
      const inventory = await b.call({ method: 'GET', url: '/api/v1/store/inventory' });
      expect(Number(inventory.headers['x-event-seq'])).toBe(lagging.seq);
      expect(inventory.json().available).toBe(0);
      // Asked for the write's seq, B reads the database rather than wait.
      const fresh = await b.call({ method: 'GET', url, headers: { 'x-min-event-seq': String(seq) } });
      expect(fresh.statusCode).toBe(200);
      expect(Number(fresh.headers['x-event-seq'])).toBeGreaterThanOrEqual(seq);

      await redis.restart();
      await until(async () => (await health(b)).catalog.seq >= seq, 10_000, 'B to catch up');
      expect((await health(b)).catalog).toMatchObject({ source: 'memory', lagEvents: 0, lagSeconds: 0 });
      expect((await b.call({ method: 'GET', url })).statusCode).toBe(200);
    } finally {
      await cluster?.close();
      await redis.kill();
    }
  }, 60_000);
});
