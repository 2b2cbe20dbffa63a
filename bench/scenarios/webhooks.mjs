// Webhook delivery at 1, 10 and 100 webhooks, all on one local receiver (in this process), against a bare loop of
// HTTP POSTs to the same receiver (servers/webhook-loop.mjs), alternately, in two phases:
// - drain: EVENTS events wait (ours: committed while the webhooks are paused, then all resumed at once; the loop:
//   all there at its start); deliveries/s from that moment to the last receipt;
// - live: RATE events a second (ours: paced PATCHes; the loop: events appearing at that pace), each sent to every
//   webhook; commit → receipt p50 and p99, on this machine's clock (the commit time is the event's createdAt).
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { json, login, paced, pool } from '../lib/api.mjs';
import { startOurs } from '../lib/processes.mjs';
import { alternating, pairedRatio, spread } from '../lib/rounds.mjs';
import { summary } from '../lib/stats.mjs';

const run = promisify(execFile);
const LOOP = new URL('../servers/webhook-loop.mjs', import.meta.url).pathname;
const WRITERS = 4;

/** A receiver answering 204 to everything, keeping when each body was committed and when it arrived. */
async function startReceiver() {
  const arrivals = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const { createdAt } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      arrivals.push({ committed: Date.parse(createdAt), received: Date.now() });
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    arrivals,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function until(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

const lastReceipt = (arrivals) => Math.max(...arrivals.map((arrival) => arrival.received));
const latencies = (arrivals) => summary(arrivals.map((arrival) => arrival.received - arrival.committed));

/** Ours on SQLite: one pet, `webhooks` webhooks on its item topic, each to its own path of the receiver. */
async function withOurs(webhooks, measure) {
  const receiver = await startReceiver();
  const server = await startOurs({
    SEED_DEMO_DATA: 'false',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_CONCURRENCY: String(webhooks),
  });
  try {
    const token = await login(server.http);
    const call = (method, path, body) => json(server.http, method, path, { token, body });
    const pet = (await call('POST', '/api/v1/pets', { name: 'hooked' })).body;
    const ids = [];
    for (let hook = 0; hook < webhooks; hook += 1) {
      const body = { url: `${receiver.url}/hook/${hook}`, topics: [`pets:${pet.id}`] };
      ids.push((await call('POST', '/api/v1/webhooks', body)).body.id);
    }
    return await measure({ call, pet, ids, receiver });
  } finally {
    await server.stop();
    await receiver.close();
  }
}

const drainOurs = (webhooks, events) =>
  withOurs(webhooks, async ({ call, pet, ids, receiver }) => {
    for (const id of ids) await call('PATCH', `/api/v1/webhooks/${id}`, { status: 'paused' });
    await pool(events, WRITERS, (index) => call('PATCH', `/api/v1/pets/${pet.id}`, { name: `n${index}` }));
    const started = Date.now();
    await Promise.all(ids.map((id) => call('PATCH', `/api/v1/webhooks/${id}`, { status: 'active' })));
    await until(() => receiver.arrivals.length >= webhooks * events, 120_000);
    const { arrivals } = receiver;
    return {
      delivered: arrivals.length,
      deliveriesPerSecond: (arrivals.length * 1000) / (lastReceipt(arrivals) - started),
    };
  });

const liveOurs = (webhooks, events, rate) =>
  withOurs(webhooks, async ({ call, pet, receiver }) => {
    await paced(rate, events / rate, (index) =>
      call('PATCH', `/api/v1/pets/${pet.id}`, { name: `n${index}` }),
    );
    await until(() => receiver.arrivals.length >= webhooks * events, 60_000);
    return { delivered: receiver.arrivals.length, ...latencies(receiver.arrivals) };
  });

async function loop(webhooks, events, rate) {
  const receiver = await startReceiver();
  try {
    const { stdout } = await run(process.execPath, [LOOP], {
      env: {
        ...process.env,
        RECEIVER: receiver.url,
        WEBHOOKS: String(webhooks),
        EVENTS: String(events),
        RATE: String(rate),
      },
    });
    const { arrivals } = receiver;
    return rate > 0
      ? { delivered: arrivals.length, ...latencies(arrivals) }
      : {
          delivered: arrivals.length,
          deliveriesPerSecond: (arrivals.length * 1000) / (lastReceipt(arrivals) - Number(stdout)),
        };
  } finally {
    await receiver.close();
  }
}

export async function webhooksScenario({ quick }) {
  const events = quick ? 50 : 300;
  const rate = 20;
  const liveEvents = quick ? 20 : 100;
  const rounds = quick ? 1 : Number(process.env.ROUNDS ?? 3);
  const results = [];
  for (const webhooks of quick ? [1, 10] : [1, 10, 100]) {
    const runs = { ours: [], loop: [] };
    for (const order of alternating(['ours', 'loop'], rounds)) {
      for (const side of order) {
        const drain = side === 'ours' ? await drainOurs(webhooks, events) : await loop(webhooks, events, 0);
        const live =
          side === 'ours'
            ? await liveOurs(webhooks, liveEvents, rate)
            : await loop(webhooks, liveEvents, rate);
        runs[side].push({ drain, live });
      }
    }
    const side = (name) => ({
      deliveriesPerSecond: spread(
        runs[name].map((run) => run.drain.deliveriesPerSecond),
        0,
      ),
      p50: spread(runs[name].map((run) => run.live.p50)),
      p99: spread(runs[name].map((run) => run.live.p99)),
      lost: runs[name].reduce(
        (total, run) => total + webhooks * (events + liveEvents) - run.drain.delivered - run.live.delivered,
        0,
      ),
    });
    results.push({
      webhooks,
      events,
      liveEvents,
      rate,
      rounds: runs,
      ours: side('ours'),
      loop: side('loop'),
      ratio: pairedRatio(runs.ours, runs.loop, (run) => run.drain.deliveriesPerSecond),
    });
  }
  return results;
}
