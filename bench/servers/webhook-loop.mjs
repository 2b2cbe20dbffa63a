// Baseline for webhook delivery: the most a bare loop of HTTP POSTs does for the same receiver. WEBHOOKS loops,
// each with a keep-alive connection of its own and one request in flight (as each webhook has), POST the same
// EVENTS bodies the service would send, in order. With RATE unset every event is there at the start (a backlog,
// stamped with that moment); with RATE, events appear RATE a second, each stamped when it appears, and the loops
// send each as soon as it is there. Prints when it started (ms since the epoch) once every POST has been answered.
import { Agent, request } from 'node:http';

const receiver = new URL(process.env.RECEIVER);
const webhooks = Number(process.env.WEBHOOKS);
const events = Number(process.env.EVENTS);
const rate = Number(process.env.RATE ?? 0);

function post(agent, path, body) {
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: receiver.hostname,
        port: receiver.port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.once('end', resolve);
      },
    );
    sent.once('error', reject);
    sent.end(body);
  });
}

const startedAt = Date.now();
const bodies = [];
/** Settles whenever new events have appeared; every waiting loop awaits the same one. */
let appeared;
let newEvents = new Promise((resolve) => (appeared = resolve));
const bodyOf = (index) =>
  JSON.stringify({
    seq: index + 1,
    epoch: 'baseline',
    type: 'pet.updated',
    topic: 'pets',
    payload: { id: 1, name: `n${index}`, status: 'available', photoUrls: [], tags: [], version: index + 2 },
    createdAt: new Date().toISOString(),
  });
if (rate > 0) {
  const start = Date.now();
  const timer = setInterval(() => {
    while (bodies.length < events && bodies.length <= ((Date.now() - start) * rate) / 1000) {
      bodies.push(bodyOf(bodies.length));
    }
    const settle = appeared;
    newEvents = new Promise((resolve) => (appeared = resolve));
    settle();
    if (bodies.length >= events) clearInterval(timer);
  }, 1);
} else {
  for (let index = 0; index < events; index += 1) bodies.push(bodyOf(index));
}
const nextBody = async (index) => {
  while (index >= bodies.length) await newEvents;
  return bodies[index];
};

await Promise.all(
  Array.from({ length: webhooks }, async (_, hook) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let index = 0; index < events; index += 1) await post(agent, `/hook/${hook}`, await nextBody(index));
    agent.destroy();
  }),
);
process.stdout.write(String(startedAt));
