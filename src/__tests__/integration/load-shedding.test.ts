import { connect } from 'node:net';
import { startSlowSignIn } from '../helpers/slow-request.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { ADMIN, startTestApp } from '../helpers/test-app.js';
import { until } from '../helpers/until.js';

/** Keeps the event loop busy in slices of `sliceMs` for `totalMs`, as CPU-bound work would. */
function overload(totalMs: number, sliceMs: number): Promise<void> {
  const stopAt = Date.now() + totalMs;
  return new Promise((resolve) => {
    const slice = () => {
      const end = Date.now() + sliceMs;
      while (Date.now() < end) {
        // busy: nothing else runs on this loop meanwhile
      }
      if (Date.now() < stopAt) setImmediate(slice);
      else resolve();
    };
    setImmediate(slice);
  });
}

describe('load shedding', () => {
  it('answers 503 OVERLOADED with Retry-After while the event loop lags, then serves again', async () => {
    const t = await startTestApp({ LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '50' });
    try {
      // On a machine busy with other suites this worker's own loop can lag past 50 ms: served first, once calm.
      const served = async () => (await t.call({ method: 'GET', url: '/api/v1/pets' })).statusCode === 200;
      await until(served, 10_000, 'the app to serve before the overload', 200);
      let busy = true;
      const overloaded = overload(3000, 200).then(() => (busy = false));
      let shed: Awaited<ReturnType<typeof t.call>> | undefined;
      let readyWhileBusy: number | undefined;
      let healthWhileBusy: number | undefined;
      while (busy) {
        const response = await t.call({ method: 'GET', url: '/api/v1/pets' });
        expect([200, 503]).toContain(response.statusCode);
        if (response.statusCode === 503 && !shed) {
          shed = response;
          readyWhileBusy = (await t.call({ method: 'GET', url: '/ready' })).statusCode;
          healthWhileBusy = (await t.call({ method: 'GET', url: '/health' })).statusCode;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await overloaded;
      expect(shed?.statusCode).toBe(503);
      expect(shed?.json()).toMatchObject({ code: 'OVERLOADED', statusCode: 503 });
      expect(Number(shed?.headers['retry-after'])).toBeGreaterThan(0);
      expect(readyWhileBusy).toBe(503);
      expect(healthWhileBusy).toBe(200);

      const deadline = Date.now() + 5000;
      let status = 503;
      while (status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = (await t.call({ method: 'GET', url: '/api/v1/pets' })).statusCode;
      }
      expect(status).toBe(200);
      expect((await t.call({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('sheds every request but the probes and the scrape while the heap is past its threshold', async () => {
    const t = await startTestApp({ LOAD_SHED_MAX_HEAP_USED_BYTES: '1' });
    try {
      const shed = async () => (await t.call({ method: 'GET', url: '/api/v1/pets' })).statusCode === 503;
      await until(shed, 5000, 'the first judgement of the heap', 100);
      const response = await t.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'OVERLOADED' });
      expect(response.headers['retry-after']).toBe('10');
      expect((await t.call({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
      expect((await t.call({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      expect((await t.call({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

/** A WebSocket upgrade over a bare TCP socket that never closes it: resolves with the first answer. */
function rawUpgrade(port: number): Promise<{ answer: string; closedByServer: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const closedByServer = new Promise<void>((closed) => socket.on('close', () => closed()));
    socket.on('error', reject);
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
      if (answer.includes('}')) resolve({ answer, closedByServer });
    });
    socket.write(
      'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
  });
}

describe('draining', () => {
  it('answers requests in flight when closing starts, closing their connections, and refuses new ones with SHUTTING_DOWN', async () => {
    const t = await startTestApp({ WS_REQUEST_TIMEOUT_MS: '5000' });
    const { port, ws } = await t.listen();
    // A sign-in on a keep-alive connection whose body is still arriving when the app starts to close.
    const slow = startSlowSignIn(port, ADMIN);
    // A WebSocket request still running keeps the node draining (answering what is in flight) for a while.
    const socket = await RawSocket.open(ws);
    const inventory = t.app.services.catalog.inventory.bind(t.app.services.catalog);
    t.app.services.catalog.inventory = () =>
      new Promise((resolve) => setTimeout(() => resolve(inventory()), 800));
    const pending = socket.request('store.inventory');
    await new Promise((resolve) => setTimeout(resolve, 100));

    const closing = t.app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A WebSocket upgrade meanwhile is refused the same way, and its socket closed by the server: a client that
    // keeps it open must not hold the node up.
    const upgrade = await rawUpgrade(port);
    expect(upgrade.answer).toMatch(/^HTTP\/1\.1 503/);
    expect(upgrade.answer).toContain('"code":"SHUTTING_DOWN"');
    await upgrade.closedByServer;
    const refused = await fetch(`http://127.0.0.1:${port}/api/v1/pets`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { code: string }).code).toBe('SHUTTING_DOWN');

    // The sign-in is answered, with `Connection: close`: the connection ends with it instead of idling on, and
    // a request pipelined behind it is left for the client to send elsewhere.
    const received = await slow.finish('GET /ready HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(received).toContain('"token"');
    expect(received).toMatch(/connection: close/i);
    expect(received.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect((await pending).status).toBe('success');
    await closing;
    await expect(
      new Promise((resolve, reject) => connect(port, '127.0.0.1').on('connect', resolve).on('error', reject)),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await t.close();
  });
});
