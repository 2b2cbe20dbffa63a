// Baseline for REST, the most bare Fastify can do for these routes: it answers the two reads with the very bytes
// the service answered them with (captured by the scenario, passed in BODIES_FILE), from memory, and runs a
// place-order/cancel cycle that only touches a Map.
// With WITH_PLUGINS=1 it also runs what the service does around every request, with the same libraries and
// settings: a request id, the security headers of an API answer (plugins/security-headers.ts), load shedding
// (a monitor of the event loop's delay judged each second, a flag checked per request), rate limiting
// (@fastify/rate-limit, limit out of reach) and request metrics (a prom-client histogram and counter by route,
// each label set's series looked up once). The gap between the two is the price of those features; the rest is
// the service's own.
// With WITH_FANOUT=1 it also fans out as raw `ws` does at best (frame-once-broadcast.mjs): WebSockets on /ws and
// POST /publish {name}, so that reads can be measured under the same fan-out as the service's.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';
import { frameOnceBroadcast } from './frame-once-broadcast.mjs';

/** `{ [path]: body }`: what the service answered each read with. */
const bodies = new Map(
  Object.entries(JSON.parse(readFileSync(process.env.BODIES_FILE, 'utf8'))).map(([path, body]) => [
    path,
    Buffer.from(body),
  ]),
);
const orders = new Map();
let nextOrder = 1;

const app = Fastify(process.env.WITH_PLUGINS === '1' ? { genReqId: () => randomUUID() } : {});
if (process.env.WITH_PLUGINS === '1') await withPlugins(app);

async function withPlugins(fastify) {
  const headers = {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'cross-origin',
  };
  // Callbacks, as the service's: an async hook would cost each request a promise.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(headers);
    done(null, payload);
  });
  const delays = monitorEventLoopDelay({ resolution: 100 });
  delays.enable();
  let overloaded = false;
  setInterval(() => {
    overloaded = delays.mean / 1e6 - 100 > 1000;
    delays.reset();
  }, 1000).unref();
  fastify.addHook('onRequest', (_request, _reply, done) =>
    done(overloaded ? new Error('overloaded') : undefined),
  );
  await fastify.register(rateLimit, {
    global: true,
    max: 1_000_000_000,
    timeWindow: 60_000,
    keyGenerator: (request) => request.ip,
    enableDraftSpec: true,
  });
  const registry = new Registry();
  const labelNames = ['method', 'route', 'status_code'];
  const duration = new Histogram({ name: 'duration', help: '-', labelNames, registers: [registry] });
  const requests = new Counter({ name: 'requests', help: '-', labelNames, registers: [registry] });
  const series = new Map();
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    const key = `${labels.method} ${labels.route} ${labels.status_code}`;
    if (!series.has(key)) series.set(key, [duration.labels(labels), requests.labels(labels)]);
    const [durationOf, requestsOf] = series.get(key);
    durationOf.observe(reply.elapsedTime / 1000);
    requestsOf.inc();
    done();
  });
}
const serve = (path) => async (_request, reply) => reply.type('application/json').send(bodies.get(path));
app.get('/api/v1/pets/:id', serve('/api/v1/pets/1'));
app.get('/api/v1/pets', serve('/api/v1/pets?status=available&limit=20'));
app.get('/api/v1/pets/findByStatus', serve('/api/v1/pets/findByStatus?status=available'));
app.post('/api/v1/store/order', async (request, reply) => {
  const order = { id: nextOrder++, petId: request.body.petId, status: 'placed' };
  orders.set(order.id, order);
  return reply.code(201).send(order);
});
app.delete('/api/v1/store/order/:id', async (request, reply) => {
  orders.delete(Number(request.params.id));
  return reply.code(204).send();
});
if (process.env.WITH_FANOUT === '1') {
  const broadcast = frameOnceBroadcast(app.server);
  app.post('/publish', async (request, reply) => {
    broadcast(request.body.name);
    return reply.code(204).send();
  });
}
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
