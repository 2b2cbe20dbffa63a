// The checks of health-and-endpoints-check.sh, against BASE_URL: one line per check, exit 1 on the first failure.
import { PetstoreClient } from '../dist/client/index.js';

const base = process.env.BASE_URL;
const admin = { username: process.env.ADMIN_USERNAME, password: process.env.ADMIN_PASSWORD };

async function check(name, run) {
  try {
    const detail = await run();
    console.log(`ok    ${name}${detail ? ` (${detail})` : ''}`);
  } catch (error) {
    console.error(`FAIL  ${name}: ${error.message}`);
    process.exit(1);
  }
}

async function get(path, expected = 200, init = {}) {
  const response = await fetch(`${base}${path}`, init);
  if (response.status !== expected)
    throw new Error(`${path} answered ${response.status}, expected ${expected}`);
  return response;
}

async function waitForServer(deadline = Date.now() + 30_000) {
  while (Date.now() < deadline) {
    try {
      return await fetch(`${base}/health`);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error('the service did not start');
}

await check('the service answers', async () => `${(await waitForServer()).status}`);
await check('GET /health', async () => {
  const body = await (await get('/health')).json();
  if (body.status !== 'ok') throw new Error(`status ${body.status}`);
  return `database ${body.services.database}, redis ${body.services.redis}`;
});
await check('GET /ready', async () => (await (await get('/ready')).json()).status);
await check('GET /metrics', async () => {
  const response = await get('/metrics');
  const text = await response.text();
  if (!response.headers.get('content-type')?.startsWith('text/plain; version=0.0.4'))
    throw new Error(`content type ${response.headers.get('content-type')}`);
  if (!text.includes('http_requests_total')) throw new Error('no http_requests_total');
  return `${text.split('\n').filter((line) => line && !line.startsWith('#')).length} samples`;
});
await check('GET /documentation/json', async () => {
  const document = await (await get('/documentation/json')).json();
  return `OpenAPI ${document.openapi}, ${Object.keys(document.paths).length} paths`;
});
await check(
  'GET /api/v1/pets',
  async () => `${(await (await get('/api/v1/pets')).json()).items.length} pets`,
);

let token;
await check('POST /api/v1/auth/login', async () => {
  const response = await get('/api/v1/auth/login', 200, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  token = (await response.json()).token;
  return 'signed in as admin';
});

const client = new PetstoreClient({ url: `${base.replace(/^http/, 'ws')}/ws`, token: () => token });
await check('WebSocket: connect and authenticate', async () => {
  await client.connect();
  return `${(await client.request('users.me')).username}`;
});
await check('WebSocket: ping', async () => `server time ${(await client.request('ping')).timestamp}`);
let received;
const event = new Promise((resolve) => (received = resolve));
await check('WebSocket: subscribe to pets', async () => {
  const answer = await client.subscribe(['pets'], (notification) => received(notification));
  return `from seq ${answer.seq}`;
});
await check('WebSocket: receives the event of a REST write', async () => {
  const response = await get('/api/v1/pets', 201, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: 'Checked' }),
  });
  const pet = await response.json();
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new Error('no event within 5 s')), 5000),
  );
  const notification = await Promise.race([event, timeout]);
  if (notification.event !== 'pet.created' || notification.payload.id !== pet.id)
    throw new Error(`got ${notification.event} for ${notification.payload.id}`);
  return `${notification.event} #${pet.id} at seq ${notification.seq}`;
});
client.close();
console.log('all checks passed');
