import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { jest } from '@jest/globals';
import { PetstoreClient } from '../../client/index.js';
import { startProcessCluster, type ProcessCluster, type ProcessNode } from '../helpers/process-cluster.js';
import { OwnRedisServer } from '../helpers/redis-server.js';
import { ADMIN } from '../helpers/test-app.js';
import { PlainSubscriber, type Delivery } from './plain-subscriber.js';
import { WriteLoad } from './write-load.js';
import { until } from '../helpers/until.js';

/**
 * Exactly once, whatever the timing, on real processes: three nodes on PostgreSQL and a redis-server of the
 * suite's own, writes on every node all along, subscribers on every node (written from API.md, and the typed
 * client), and faults one after another: Redis killed for 10 s, nodes killed with SIGKILL and restarted with
 * their subscribers resuming on them 0–200 ms after they listen again (the race of a node that has just
 * started), and a node stopped with SIGTERM. Every subscriber must end with every committed event exactly
 * once, in seq order, with no gap; no write may fail but as documented.
 *
 * `npm run chaos` runs the long pass (CHAOS=full) and writes its figures to CHAOS_REPORT; `npm test` runs a
 * short one. CHAOS_SEED replays the timing of a run (it is printed first).
 */
const FULL = process.env.CHAOS === 'full';
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const KILL_ROUNDS = Number(process.env.CHAOS_KILL_ROUNDS ?? (FULL ? 24 : 8));
const STOP_ROUNDS = Number(process.env.CHAOS_STOP_ROUNDS ?? (FULL ? 4 : 1));
const PLAIN_PER_NODE = FULL ? 10 : 6;
const TYPED_PER_NODE = FULL ? 3 : 2;
const WRITES_PER_SECOND_PER_NODE = 10;
const REDIS_DOWN_MS = 10_000;
const RESUME_WITHIN_MS = 200;

jest.setTimeout(FULL ? 600_000 : 300_000);

/** mulberry32: the run's timing decisions, repeatable from the seed. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = randomFrom(SEED);
const between = (low: number, high: number) => Math.round(low + random() * (high - low));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

type Phase = 'steady' | 'redis down' | 'node killed' | 'node stopped (SIGTERM)';

/** Which fault was under way when: for delivery latency by phase. */
class Timeline {
  private readonly marks: Array<{ at: number; phase: Phase }> = [{ at: 0, phase: 'steady' }];
  enter(phase: Phase): void {
    this.marks.push({ at: Date.now(), phase });
  }
  phaseAt(at: number): Phase {
    let phase: Phase = 'steady';
    for (const mark of this.marks) if (mark.at <= at) phase = mark.phase;
    return phase;
  }
}

interface TypedSubscriber {
  name: string;
  client: PetstoreClient;
  handled: number[];
  /** Every event frame the server sent, before the client's own checks. */
  sent: number[];
  reconnectTimes: number[];
  ready: Promise<unknown>;
}

let redis: OwnRedisServer;
let cluster: ProcessCluster;
/** Every subscriber's close, run after the test whether it passed or not (a typed client would reconnect). */
const closers: Array<() => void> = [];

beforeAll(async () => {
  process.stdout.write(`chaos: seed ${SEED} (CHAOS_SEED=${SEED} replays this run's timing), full=${FULL}\n`);
  redis = await OwnRedisServer.start();
  cluster = await startProcessCluster(3, redis.url, {
    RATE_LIMIT_ALLOWLIST: '127.0.0.1',
    WS_MAX_CONNECTIONS_PER_IP: '1000',
    EVENT_POLL_INTERVAL_MS: '500',
    NODE_HEARTBEAT_MS: '500',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
});

afterAll(async () => {
  for (const close of closers) close();
  await cluster?.close();
  await redis?.kill();
});

async function login(node: ProcessNode): Promise<string> {
  const response = await fetch(`${node.http}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  return ((await response.json()) as { token: string }).token;
}

/** The newest seq committed, as a REST read on the node reports it. */
async function newestSeq(node: ProcessNode): Promise<number> {
  return Number((await fetch(`${node.http}/api/v1/store/inventory`)).headers.get('x-event-seq'));
}

/** When each node was last seen listening again (absent while it restarts). */
const backAt = new Map<ProcessNode, number>();

function typedSubscriber(name: string, node: ProcessNode, since: number): TypedSubscriber {
  const client = new PetstoreClient({ url: node.ws, reconnect: { initialDelayMs: 50, maxDelayMs: 400 } });
  const handled: number[] = [];
  const ready = client
    .connect()
    .then(() => client.subscribe(['pets', 'inventory'], (event) => handled.push(event.seq), { since }));
  const subscriber: TypedSubscriber = { name, client, handled, sent: [], reconnectTimes: [], ready };
  closers.push(() => client.close());
  let dropped = false;
  client.on('state', (state) => {
    if (state === 'reconnecting') dropped = true;
    if (state === 'open' && dropped) {
      // From the node seen listening again to this client resumed on it (its backoff included); 0 when the
      // client was back before the suite's own probe saw the node.
      const back = backAt.get(node);
      subscriber.reconnectTimes.push(back === undefined ? 0 : Math.max(0, Date.now() - back));
      dropped = false;
    }
  });
  client.on('notification', (frame) => {
    const seq = (frame as { seq?: unknown }).seq;
    if (typeof seq === 'number') subscriber.sent.push(seq);
  });
  return subscriber;
}

describe('chaos: two kinds of subscribers on three nodes, through Redis and node failures', () => {
  it('delivers every committed event to every subscriber exactly once, in seq order, with no gap', async () => {
    const [first] = cluster.nodes as [ProcessNode];
    const token = await login(first);
    const timeline = new Timeline();
    const load = new WriteLoad(cluster.nodes, token, WRITES_PER_SECOND_PER_NODE, random);
    await load.createPets(20);
    const start = await newestSeq(first);

    const plain = new Map<ProcessNode, PlainSubscriber[]>();
    for (const node of cluster.nodes) {
      const subscribers = Array.from(
        { length: PLAIN_PER_NODE },
        (_, index) => new PlainSubscriber(`${node.id}/plain-${index}`, node.ws, start),
      );
      plain.set(node, subscribers);
      closers.push(...subscribers.map((subscriber) => () => subscriber.close()));
      const answered = await Promise.all(subscribers.map((subscriber) => subscriber.reconnect()));
      expect(answered.every(Boolean)).toBe(true);
    }
    const typed = cluster.nodes.flatMap((node) =>
      Array.from({ length: TYPED_PER_NODE }, (_, index) =>
        typedSubscriber(`${node.id}/typed-${index}`, node, start),
      ),
    );
    await Promise.all(typed.map((subscriber) => subscriber.ready));

    /** The plain subscribers of a node that is back resume on it, each 0–200 ms after it listens. */
    const resumeOn = async (node: ProcessNode) => {
      await Promise.all(
        (plain.get(node) as PlainSubscriber[]).map(async (subscriber) => {
          await sleep(between(0, RESUME_WITHIN_MS));
          await until(() => subscriber.reconnect(), 10_000, `${subscriber.name} to resume`);
        }),
      );
    };

    load.start();
    await sleep(2000);

    // Redis dies for 10 s: nodes poll the event table, then go back to pub/sub.
    timeline.enter('redis down');
    await redis.kill();
    await sleep(REDIS_DOWN_MS);
    await redis.restart();
    await until(
      async () => {
        const states = await Promise.all(
          cluster.nodes.map((node) => fetch(`${node.http}/health`).then((r) => r.json())),
        );
        return states.every((state: { cluster?: { fanout: string } }) => state.cluster?.fanout === 'pubsub');
      },
      20_000,
      'every node back on pub/sub',
    );
    timeline.enter('steady');
    await sleep(1000);

    // Nodes killed and restarted, their subscribers resuming on them as they come back.
    for (let round = 0; round < KILL_ROUNDS; round += 1) {
      const node = cluster.nodes[round % cluster.nodes.length] as ProcessNode;
      timeline.enter('node killed');
      load.down(node);
      await cluster.kill(node);
      backAt.delete(node);
      await sleep(between(100, 800));
      await cluster.restart(node);
      backAt.set(node, Date.now());
      load.up(node);
      await resumeOn(node);
      timeline.enter('steady');
      await sleep(between(200, 1200));
    }

    // Graceful stops: in-flight requests answered, 503 SHUTTING_DOWN meanwhile, sockets closed with 1001, exit 0.
    for (let round = 0; round < STOP_ROUNDS; round += 1) {
      const stopping = cluster.nodes[(round + 1) % cluster.nodes.length] as ProcessNode;
      timeline.enter('node stopped (SIGTERM)');
      load.stopping(stopping);
      const closesBefore = (plain.get(stopping) as PlainSubscriber[]).map(
        (subscriber) => subscriber.closeCodes.length,
      );
      const exitCode = await cluster.terminate(stopping);
      if (exitCode !== 0) {
        throw new Error(`${stopping.id} exited ${exitCode}:\n${stopping.process.output().slice(-4000)}`);
      }
      backAt.delete(stopping);
      load.down(stopping);
      await cluster.restart(stopping);
      backAt.set(stopping, Date.now());
      load.up(stopping);
      (plain.get(stopping) as PlainSubscriber[]).forEach((subscriber, index) =>
        expect(subscriber.closeCodes.slice(closesBefore[index])).toEqual([1001]),
      );
      await resumeOn(stopping);
      timeline.enter('steady');
      await sleep(between(500, 2000));
    }

    await load.stop();
    // A write the load gave up on during an outage may still commit after it stops: the end is the newest seq
    // once it has stopped moving.
    let end = await newestSeq(first);
    for (let settled = false; !settled;) {
      await sleep(1000);
      const newest = await newestSeq(first);
      settled = newest === end;
      end = newest;
    }
    const everyPlain = [...plain.values()].flat();
    await until(
      () =>
        everyPlain.every((subscriber) => subscriber.lastSeq >= end) &&
        typed.every((subscriber) => subscriber.handled.at(-1) === end),
      30_000,
      () => {
        const short = [
          ...everyPlain
            .filter((subscriber) => subscriber.lastSeq < end)
            .map((s) => `${s.name} at ${s.lastSeq}`),
          ...typed
            .filter((subscriber) => subscriber.handled.at(-1) !== end)
            .map((s) => `${s.name} at ${s.handled.at(-1) ?? 'nothing'}`),
        ];
        return `every subscriber to reach the last seq ${end}; short of it: ${short.join(', ')}`;
      },
    );

    const expected = Array.from({ length: end - start }, (_, index) => start + 1 + index);
    for (const subscriber of everyPlain) {
      expect(subscriber.violations).toEqual([]);
      expect(subscriber.deliveries.map((delivery) => delivery.seq)).toEqual(expected);
    }
    for (const subscriber of typed) {
      expect(subscriber.handled).toEqual(expected);
      // What the server sent, before the client's own duplicate check, was already exactly once and in order.
      expect(subscriber.sent).toEqual(expected);
    }
    const acknowledged = load.acknowledgedSeqs();
    expect(acknowledged.length).toBeGreaterThan(100);
    expect(acknowledged.every((seq) => seq > start && seq <= end)).toBe(true);
    expect(load.unexpectedAnswers()).toEqual([]);

    const report = {
      seed: SEED,
      full: FULL,
      nodes: cluster.nodes.length,
      subscribers: { plain: everyPlain.length, typed: typed.length },
      events: end - start,
      writes: load.summary(),
      killRounds: KILL_ROUNDS,
      stopRounds: STOP_ROUNDS,
      // Plain subscribers: from connecting to the restarted node to its subscribe answer.
      plainResumeMs: figures(everyPlain.flatMap((subscriber) => subscriber.resumeTimes.slice(1))),
      // Typed clients: from the node listening again to the client open on it, its own backoff included.
      typedResumeMs: figures(typed.flatMap((subscriber) => subscriber.reconnectTimes)),
      // Change (the pet's updatedAt) to receipt, sent live, by the fault under way when the change was made.
      liveDeliveryMs: latencyByPhase(
        everyPlain.flatMap((subscriber) => subscriber.deliveries.filter((delivery) => !delivery.replayed)),
        timeline,
      ),
      // Changes made while a subscriber was away, replayed when it resumed: change to receipt.
      replayedDeliveryMs: figures(
        everyPlain.flatMap((subscriber) =>
          subscriber.deliveries
            .filter((delivery) => delivery.replayed && !Number.isNaN(delivery.changedAt))
            .map((delivery) => delivery.receivedAt - delivery.changedAt),
        ),
      ),
    };
    process.stdout.write(`chaos: ${JSON.stringify(report, null, 2)}\n`);
    const reportFile = process.env.CHAOS_REPORT;
    if (reportFile) {
      await mkdir(dirname(reportFile), { recursive: true });
      await writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
    }
  });
});

function figures(values: number[]) {
  const max = values.reduce((highest, value) => Math.max(highest, value), Number.NEGATIVE_INFINITY);
  return { count: values.length, p50: percentile(values, 50), p99: percentile(values, 99), max };
}

/** Change → receipt, by the fault under way when the change was made. */
function latencyByPhase(deliveries: Delivery[], timeline: Timeline) {
  const byPhase = new Map<Phase, number[]>();
  for (const delivery of deliveries) {
    if (Number.isNaN(delivery.changedAt)) continue;
    const phase = timeline.phaseAt(delivery.changedAt);
    let values = byPhase.get(phase);
    if (!values) byPhase.set(phase, (values = []));
    values.push(delivery.receivedAt - delivery.changedAt);
  }
  return Object.fromEntries([...byPhase].map(([phase, values]) => [phase, figures(values)]));
}
